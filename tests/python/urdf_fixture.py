"""MCAP files with robot descriptions (std_msgs/String on a robot_description topic), for the
`urdf` decoder's differential cases (mcap_cases.py). Meshes are written beside the files and named
by absolute file:// paths, or by package:// paths that ROS_PACKAGE_PATH resolves (set here, for
both sides: the reference runs in a child process of the tests)."""

from __future__ import annotations

import os

ROBOT = """<?xml version="1.0"?>
<robot name="arm bot">
  <material name="blue"><color rgba="0 0 0.8 1"/></material>
  <material name="half"><color rgba="0.5 0.25 1.5 0.5"/></material>
  <material name="clear"><color rgba="1 1 1 0"/></material>
  <gazebo reference="base"><material>Gazebo/Blue</material></gazebo>
  <link name="base">
    <inertial><origin xyz="0 0 1"/><mass value="2"/><inertia ixx="1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/></inertial>
    <visual><origin xyz="0.1 0.2 0.3" rpy="0.1 0.2 0.3"/><geometry><box size="1 2 3"/></geometry><material name="blue"/></visual>
    <visual name="tube"><geometry><cylinder radius="0.5" length="2"/></geometry><material name="red"><color rgba="1 0 0 1"/></material></visual>
    <visual><geometry><sphere radius="0.25"/></geometry><material name="unknown"/></visual>
    <visual><geometry><sphere radius="0.3"/></geometry><material name="clear"/></visual>
    <collision><geometry><sphere radius="0.7"/></geometry></collision>
    <collision><origin xyz="1 x 2 3" rpy="3.14159 -1.5 0.5"/><geometry><box size="0.1 0.2 0.3"/></geometry></collision>
  </link>
  <joint name="shoulder" type="revolute">
    <origin xyz="1 0 0" rpy="0 0 1.57"/><parent link="base"/><child link="upper"/>
    <axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/>
  </joint>
  <link name="upper">
    <visual><geometry><mesh filename="file://{dir}/meshes/upper.stl" scale="1 2 3"/></geometry><material name="half"/></visual>
    <visual><geometry><mesh filename="meshes/relative.stl"/></geometry></visual>
    <visual><geometry><capsule radius="0.1" length="0.4"/></geometry></visual>
    <collision name="hull"><origin rpy="-1 2 -3"/><geometry><mesh filename="package://bot_meshes/hull.obj"/></geometry></collision>
    <collision><geometry><mesh filename="file://{dir}/meshes/missing.stl"/></geometry></collision>
  </link>
  <joint name="wrist" type="fixed"><parent link="upper"/><child link="hand/left"/></joint>
  <joint name="elbow" type="continuous"><parent link="base"/><child link="fore"/></joint>
  <link name="hand/left"><visual name="palm"><geometry><mesh filename="file://{dir}/meshes/palm.glb"/></geometry></visual></link>
  <link name="fore"/>
  <transmission name="t"><type>x</type></transmission>
</robot>
"""


def _write(path, T0, texts, topic="/robot_description", cut=False):
    from mcap.writer import Writer
    from mcap_ros2._dynamic import serialize_dynamic

    typ = "std_msgs/msg/String"
    enc = serialize_dynamic(typ, "string data\n")[typ]
    with open(path, "wb") as f:
        w = Writer(f, chunk_size=64)
        w.start(profile="ros2", library="chunkhouse-test")
        ch = w.register_channel(topic, "cdr", w.register_schema(typ, "ros2msg", b"string data\n"))
        for i, text in enumerate(texts):
            w.add_message(ch, log_time=T0 + i, publish_time=T0 + i, data=enc({"data": text}))
        w.finish()
    if cut:
        data = open(path, "rb").read()
        open(path, "wb").write(data[: len(data) * 3 // 4])


def write(out, T0) -> dict:
    meshes = out / "meshes"
    meshes.mkdir(exist_ok=True)
    (meshes / "upper.stl").write_bytes(b"solid upper\nendsolid upper\n")
    (meshes / "palm.glb").write_bytes(b"glTF\x02\x00\x00\x00")
    package = out / "ros" / "bot_meshes"
    package.mkdir(parents=True, exist_ok=True)
    (package / "hull.obj").write_bytes(b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    os.environ["ROS_PACKAGE_PATH"] = str(out / "ros")
    robot = ROBOT.replace("{dir}", str(out))
    paths = {}
    paths["urdf"] = str(out / "urdf.mcap")
    _write(paths["urdf"], T0, [robot])
    # Two descriptions on one channel: the last one is the robot.
    paths["urdf_two"] = str(out / "urdf_two.mcap")
    _write(paths["urdf_two"], T0, [robot, "<robot name='second'><link name='only'/></robot>"])
    # One that is not a tree (two roots): left out with a warning, the String still read.
    paths["urdf_broken"] = str(out / "urdf_broken.mcap")
    _write(paths["urdf_broken"], T0, ["<robot name='b'><link name='a'/><link name='c'/></robot>"])
    paths["urdf_cut"] = str(out / "urdf_cut.mcap")
    _write(paths["urdf_cut"], T0, [robot, robot.replace("arm bot", "later bot"), robot], cut=True)
    return paths
