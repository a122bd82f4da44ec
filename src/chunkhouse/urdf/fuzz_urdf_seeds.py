"""Seeds for fuzz_urdf: the robot description of the differential tests (tests/python/urdf_fixture.py)
and small ones of every shape, material form and joint kind.
Usage: python fuzz_urdf_seeds.py OUTDIR"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "python"))
import urdf_fixture  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / "robot.urdf").write_text(urdf_fixture.ROBOT.replace("{dir}", "/nonexistent"))
shapes = ["<box size='1 2 3'/>", "<cylinder radius='1' length='2'/>", "<capsule radius='1' length='2'/>",
          "<sphere radius='1'/>", "<mesh filename='package://p/m.stl' scale='1 1 1'/>"]
for i, shape in enumerate(shapes):
    (out / f"shape_{i}.urdf").write_text(
        f"<robot name='r{i}'><material name='m'><color rgba='0.1 0.2 0.3 0.4'/></material><link name='a'>"
        f"<visual name='v'><origin xyz='1 2 3' rpy='0.1 0.2 0.3'/><geometry>{shape}</geometry><material name='m'/></visual>"
        f"<collision><geometry>{shape}</geometry></collision></link><link name='b'/>"
        f"<joint name='j' type='revolute'><origin xyz='0 0 1'/><parent link='a'/><child link='b'/><axis xyz='0 0 1'/>"
        f"<limit lower='-1' upper='1' effort='1' velocity='1'/><mimic joint='k' multiplier='2'/></joint></robot>")
