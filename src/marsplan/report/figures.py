"""The report's figures, drawn as PNG files by :mod:`marsplan.plots`.

Each chart function writes its file atomically; this module only chooses the
files' names and titles. matplotlib loads inside :mod:`marsplan.plots`.
"""

from __future__ import annotations

import os

#: Figure name -> file name, in the order the report shows them.
FIGURE_FILES = {
    "porkchop": "porkchop.png",
    "mission": "mission.png",
    "contributions": "contributions.png",
    "agreement": "agreement.png",
    "dose": "dose.png",
    "light_time": "light_time.png",
}

# 120 dpi: the charts are 11 inches wide, so 1,320 px: sharp on a laptop
# screen at the report's 1,100 px column, and the five together stay under
# ~1.5 MB of base64 in the HTML.
DPI = 120


def draw_figures(content, out_dir, *, dpi: float = DPI) -> dict[str, str]:
    """Draw every figure of ``content`` (a ReportContent) into ``out_dir``.

    Returns
    -------
    dict
        Figure name (the keys of :data:`FIGURE_FILES`) to the path written.
    """
    from marsplan.io.document import partner_entries
    from marsplan.plots.agreement import plot_agreement
    from marsplan.plots.contributions import plot_contributions
    from marsplan.plots.crew import plot_dose, plot_light_time
    from marsplan.plots.mission import plot_mission
    from marsplan.plots.porkchop import plot_porkchop

    os.makedirs(out_dir, exist_ok=True)
    paths = {name: os.path.join(out_dir, file) for name, file in FIGURE_FILES.items()}
    p, ops = content.plan, content.operations
    name = content.scenario.mission.name
    plot_porkchop(content.porkchop, paths["porkchop"], mark=content.earth_mars, dpi=dpi)
    plot_mission(p.mission, paths["mission"], dpi=dpi, ephemeris=content.ephemeris)
    entries = partner_entries(p)
    plot_contributions(entries, paths["contributions"],
                       title=f"{name}: what each partner contributes", dpi=dpi)
    plot_agreement([e for e in entries if e["contribution_musd"] or e["entitlement_pct"]],
                   paths["agreement"], title=f"{name}: what each partner brings and gets",
                   dpi=dpi)
    plot_dose(ops.dose, paths["dose"], dpi=dpi)
    light = p.light_time
    plot_light_time(light.jd_tdb, light.crew_min, ops.blackouts, paths["light_time"], dpi=dpi,
                    earth_mars_min=light.earth_mars_min)
    return paths
