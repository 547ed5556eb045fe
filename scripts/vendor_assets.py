"""Copy an explicit allowlist of front-end files from node_modules into static/vendor (git-ignored).

Whole dist folders are never exposed to collectstatic: some of them reference files that are not
shipped (source maps, images), which breaks ManifestStaticFilesStorage.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "static" / "vendor"

ALLOWLIST = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
    "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
    # the two files above name their source maps: collectstatic's manifest storage fails without them
    "@tabler/core/dist/css/tabler.min.css.map": "tabler/tabler.min.css.map",
    "@tabler/core/dist/js/tabler.min.js.map": "tabler/tabler.min.js.map",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}


def main() -> int:
    missing = [src for src in ALLOWLIST if not (NODE / src).is_file()]
    if missing:
        print("缺少前端文件（请先运行 npm ci）：" + ", ".join(missing), file=sys.stderr)
        return 1
    for src, dst in ALLOWLIST.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        source = NODE / src
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            shutil.copy2(source, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
