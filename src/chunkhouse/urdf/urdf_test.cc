#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "chunkhouse/urdf/model.h"
#include "chunkhouse/urdf/robot.h"
#include "chunkhouse/urdf/xml.h"

namespace chunkhouse::urdf {
namespace {

TEST(Urdf, NumbersAreReadAsRustReadsThem) {
  EXPECT_EQ(ParseRustF64("1.5"), 1.5);
  EXPECT_EQ(ParseRustF64("+2"), 2.0);
  EXPECT_EQ(ParseRustF64("-.5"), -0.5);
  EXPECT_EQ(ParseRustF64("5."), 5.0);
  EXPECT_EQ(ParseRustF64("1e3"), 1000.0);
  EXPECT_EQ(ParseRustF64("1e999"), INFINITY);
  EXPECT_EQ(ParseRustF64("1e-999"), 0.0);
  EXPECT_EQ(ParseRustF64("-Infinity"), -INFINITY);
  EXPECT_TRUE(std::isnan(*ParseRustF64("NaN")));
  for (const char* bad : {"", ".", "e5", "1e", "0x10", " 1", "1 ", "nan(1)", "1,5", "--1", "inf1"}) {
    EXPECT_FALSE(ParseRustF64(bad).has_value()) << bad;
  }
}

TEST(Urdf, ColorsAndRotationsAreRerunsToTheBit) {
  // Values rerun-sdk 0.36.2 logs for these materials and origins.
  EXPECT_EQ(Rgba32FromLinear({0, 0, 0.8, 1}), 59391u);
  EXPECT_EQ(Rgba32FromLinear({0.5, 0.25, 1.5, 0.5}), 3146383232u);
  EXPECT_EQ(Rgba32FromLinear({1, 0, 0, 1}), 4278190335u);
  EXPECT_EQ(Rgba32FromLinear({1, 1, 1, 0}), 0u);
  EXPECT_EQ(Rgba32FromLinear({NAN, -1, 2, 1}), 0xFF00FFFFu);
  const auto q = QuaternionFromRpy({0.1, 0.2, 0.3});
  EXPECT_EQ(q[0], 0.03427080065011978f);
  EXPECT_EQ(q[1], 0.10602051019668579f);
  EXPECT_EQ(q[2], 0.14357218146324158f);
  EXPECT_EQ(q[3], 0.983347475528717f);
}

TEST(Urdf, MediaTypesByExtensionThenContent) {
  EXPECT_EQ(MeshMediaType("package://p/m.STL", ""), "model/stl");
  EXPECT_EQ(MeshMediaType("https://x/m.glb?sig=1#f", ""), "model/gltf-binary");
  EXPECT_EQ(MeshMediaType("file:///m.unknown", "solid x"), "model/stl");
  EXPECT_EQ(MeshMediaType("file:///m.unknown", "ply\r\n"), "application/x-ply");
  EXPECT_EQ(MeshMediaType("file:///m.unknown", "abc"), std::nullopt);
  EXPECT_EQ(MeshMediaType("file:///dir.d/m", "abc"), std::nullopt);
}

TEST(Urdf, HostileXmlIsRefusedWithItsPlace) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  auto r = ParseXml(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nest more than 256"), std::string::npos) << r.status().message();
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
      "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
      "<robot name=\"&h;\"/>";
  EXPECT_FALSE(ParseXml(laughs).ok());
  auto bad = ParseXml("<robot>\n  <link></robot>");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(ParseXml("").ok());
}

Result<std::vector<std::shared_ptr<Chunk>>> Chunks(const std::string& xml, std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> ignored;
  ARROW_ASSIGN_OR_RAISE(auto robot, ParseRobot(xml));
  return RobotChunks(robot, {}, warnings ? warnings : &ignored);
}

std::string Message(const Status& st) { return st.message(); }

TEST(Urdf, TreesThatAreNotTreesAreRefused) {
  EXPECT_EQ(Message(Chunks("<robot name='r'/>").status()), "No root link found in URDF");
  EXPECT_EQ(Message(Chunks("<robot name='r'><link name='a'/><link name='b'/></robot>").status()),
            "Multiple roots in URDF");
  EXPECT_EQ(Message(Chunks("<robot name='r'><link name='a'/><joint name='j' type='fixed'><parent link='a'/>"
                           "<child link='z'/></joint></robot>")
                        .status()),
            "Joint 'j' references unknown child link 'z'");
  // A cycle below the root: Rerun's importer recurses until its stack overflows.
  auto cycle = Chunks(
      "<robot name='r'><link name='a'/><link name='b'/><link name='c'/>"
      "<joint name='1' type='fixed'><parent link='a'/><child link='b'/></joint>"
      "<joint name='2' type='fixed'><parent link='b'/><child link='c'/></joint>"
      "<joint name='3' type='fixed'><parent link='c'/><child link='b'/></joint></robot>");
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(Message(cycle.status()).find("cycle through link 'b'"), std::string::npos) << cycle.status().message();
  // Diamonds stacked: each level doubles the links reached.
  std::string ladder = "<robot name='r'>";
  for (int i = 0; i <= 40; ++i) ladder += "<link name='n" + std::to_string(i) + "'/>";
  for (int i = 0; i < 40; ++i) {
    for (int k = 0; k < 2; ++k) {
      ladder += "<joint name='j" + std::to_string(i) + "_" + std::to_string(k) + "' type='fixed'><parent link='n" +
                std::to_string(i) + "'/><child link='n" + std::to_string(i + 1) + "'/></joint>";
    }
  }
  auto fan = Chunks(ladder + "</robot>");
  ASSERT_FALSE(fan.ok());
  EXPECT_NE(Message(fan.status()).find("more than 100000 links"), std::string::npos) << fan.status().message();
}

TEST(Urdf, MalformedDescriptionsNameWhatIsWrong) {
  auto r = ParseRobot("<robot name='r'><link name='a'><visual><geometry><box size='1 2'/></geometry></visual></link></robot>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Message(r.status()).find("link 'a': <box> (line 1): attribute 'size' needs 3 numbers, found 2"),
            std::string::npos)
      << r.status().message();
  r = ParseRobot("<robot><joint name='j' type='hinge'><parent link='a'/><child link='b'/></joint></robot>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Message(r.status()).find("joint 'j': unknown type 'hinge'"), std::string::npos) << r.status().message();
  r = ParseRobot("<robot><link name='a'><visual><geometry><cone/></geometry></visual></link></robot>");
  EXPECT_FALSE(r.ok());
  // Words that are not numbers are skipped, as urdf-rs does.
  auto ok = ParseRobot("<robot><link name='a'><visual><origin xyz='1 x 2 3'/><geometry><sphere radius=' 2 '/>"
                       "</geometry></visual></link></robot>");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->links[0].visuals[0].origin.xyz, (Vec3{1, 2, 3}));
  EXPECT_EQ(ok->links[0].visuals[0].geometry.radius, 2.0);
}

TEST(Urdf, MeshesThatCannotBeLoadedLeaveAWarning) {
  std::vector<std::string> warnings;
  auto chunks = Chunks(
      "<robot name='r'><link name='a'><visual><geometry><mesh filename='meshes/x.stl'/></geometry></visual>"
      "<visual><geometry><mesh filename='https://example.com/x.stl'/></geometry></visual></link></robot>",
      &warnings);
  ASSERT_TRUE(chunks.ok()) << chunks.status().message();
  EXPECT_EQ(chunks->size(), 5u);  // the root's frame; each visual's pose and frame, no shapes
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("No root directory set for URDF"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("does not fetch meshes over HTTP"), std::string::npos) << warnings[1];
}

TEST(Urdf, AServerReadsMeshesOnlyFromItsDirectories) {
  const auto dir = std::filesystem::temp_directory_path() / ("urdf_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "inside.stl") << "solid x\n";
  auto robot = ParseRobot("<robot name='r'><link name='a'><visual><geometry><mesh filename='file://" +
                          (dir / "inside.stl").string() + "'/></geometry></visual><visual><geometry><mesh "
                          "filename='file:///etc/passwd'/></geometry></visual></link></robot>");
  ASSERT_TRUE(robot.ok()) << robot.status().message();
  RobotOptions options;
  options.mesh_roots = io::AllowedRoots({dir.string()});
  std::vector<std::string> warnings;
  auto chunks = RobotChunks(*robot, options, &warnings);
  ASSERT_TRUE(chunks.ok()) << chunks.status().message();
  int assets = 0;
  for (const auto& c : *chunks) assets += c->FindComponent("Asset3D:blob") != nullptr;
  EXPECT_EQ(assets, 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("/etc/passwd"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("outside the directories this server may read"), std::string::npos) << warnings[0];
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chunkhouse::urdf
