#include <arrow/buffer.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chunkhouse/io/allowed.h"
#include "chunkhouse/io/file.h"
#include "chunkhouse/io/file_cache.h"
#include "chunkhouse/io/location.h"
#include "chunkhouse/io/walk.h"

namespace chunkhouse::io {
namespace {

namespace fs = std::filesystem;

class IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("chunkhouse_io_{}_{}", ::getpid(), counter_++);
    fs::create_directories(root_ / "allowed" / "sub");
    fs::create_directories(root_ / "outside");
    Write(root_ / "allowed" / "a.rrd", "aaaa");
    Write(root_ / "allowed" / "sub" / "b.rrd", "bbbb");
    Write(root_ / "allowed" / "notes.txt", "x");
    Write(root_ / "outside" / "c.rrd", "cccc");
    allowed_ = (root_ / "allowed").string();
  }
  void TearDown() override { fs::remove_all(root_); }
  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

  fs::path root_;
  std::string allowed_;
  static inline int counter_ = 0;
};

TEST_F(IoTest, LocationsAreFileUrlsOrAbsolutePaths) {
  EXPECT_EQ(ParseLocation("file:///a/b.rrd").ValueOrDie().path, "/a/b.rrd");
  EXPECT_EQ(ParseLocation("file://localhost/a/b.rrd").ValueOrDie().path, "/a/b.rrd");
  EXPECT_EQ(ParseLocation("file:///a/my%20file.rrd").ValueOrDie().path, "/a/my file.rrd");
  EXPECT_EQ(ParseLocation("/a/b.rrd").ValueOrDie().path, "/a/b.rrd");
  for (std::string bad : std::vector<std::string>{"relative.rrd", "file://relative/x.rrd", "s3://bucket/x.rrd",
                                                  "file:///a/%zz", std::string("file:///a\0b", 11), "file:///a%00b"}) {
    auto r = ParseLocation(bad);
    EXPECT_EQ(KindOf(r.status()), ErrorKind::kInvalidArgument) << bad;
  }
  auto huge = ParseLocation("s3://" + std::string(1'000'000, 'x'));
  EXPECT_LT(huge.status().message().size(), 600u);  // echoes are bounded
}

TEST_F(IoTest, OpeningRefusesWhatIsNotARegularFileWithoutBlocking) {
  auto fifo = root_ / "allowed" / "pipe.rrd";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto opened = OpenRegularFile(fifo.string());  // a blocking open would hang here
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("named pipe"), std::string::npos);
  EXPECT_EQ(KindOf(OpenRegularFile(allowed_).status()), ErrorKind::kInvalidArgument);  // a directory
  auto missing = OpenRegularFile(allowed_ + "/missing.rrd");
  EXPECT_EQ(KindOf(missing.status()), ErrorKind::kNotFound);
  EXPECT_EQ(ErrnoOf(missing.status()), ENOENT);
  auto ok = OpenRegularFile(allowed_ + "/a.rrd").ValueOrDie();
  EXPECT_EQ(ok.identity.size, 4u);
}

TEST_F(IoTest, AllowedRootsResolveLinksBeforeChecking) {
  AllowedRoots roots({allowed_});
  EXPECT_TRUE(roots.Resolve(allowed_ + "/a.rrd").ok());
  EXPECT_TRUE(roots.Resolve(allowed_ + "/sub/../a.rrd").ok());
  EXPECT_EQ(KindOf(roots.Resolve((root_ / "outside" / "c.rrd").string()).status()), ErrorKind::kPermissionDenied);
  EXPECT_EQ(KindOf(roots.Resolve(allowed_ + "/../outside/c.rrd").status()), ErrorKind::kPermissionDenied);
  fs::create_symlink(root_ / "outside" / "c.rrd", root_ / "allowed" / "link.rrd");
  auto linked = roots.Resolve(allowed_ + "/link.rrd");
  EXPECT_EQ(KindOf(linked.status()), ErrorKind::kPermissionDenied);
  EXPECT_NE(linked.status().message().find("resolves to"), std::string::npos);
  fs::create_symlink(root_ / "allowed" / "loop.rrd", root_ / "allowed" / "loop.rrd");
  EXPECT_EQ(KindOf(roots.Resolve(allowed_ + "/loop.rrd").status()), ErrorKind::kInvalidArgument);
  EXPECT_EQ(KindOf(roots.Resolve(allowed_ + "/missing.rrd").status()), ErrorKind::kNotFound);
  // A prefix of a name is not a parent directory.
  fs::create_directories(root_ / "allowed_not");
  Write(root_ / "allowed_not" / "d.rrd", "d");
  EXPECT_EQ(KindOf(roots.Resolve((root_ / "allowed_not" / "d.rrd").string()).status()), ErrorKind::kPermissionDenied);
}

TEST_F(IoTest, WalksListAllowedRegularFilesAndSayWhatTheyPassedOver) {
  fs::create_symlink(root_ / "outside" / "c.rrd", root_ / "allowed" / "link.rrd");
  fs::create_symlink(root_ / "allowed" / "loop.rrd", root_ / "allowed" / "loop.rrd");
  ASSERT_EQ(::mkfifo((root_ / "allowed" / "pipe.rrd").c_str(), 0600), 0);
  AllowedRoots roots({allowed_});
  auto listing = ListFiles(allowed_, {".rrd"}, roots).ValueOrDie();
  ASSERT_EQ(listing.files.size(), 2u);
  EXPECT_EQ(listing.files[0], fs::canonical(root_ / "allowed" / "a.rrd").string());
  EXPECT_EQ(listing.files[1], fs::canonical(root_ / "allowed" / "sub" / "b.rrd").string());
  EXPECT_EQ(listing.skipped.size(), 3u);  // the link out, the loop, the pipe
  EXPECT_EQ(KindOf(ListFiles((root_ / "outside").string(), {".rrd"}, roots).status()), ErrorKind::kPermissionDenied);
}

TEST_F(IoTest, TheFileCacheBoundsOpenFilesAndNoticesChanges) {
  for (int i = 0; i < 20; ++i) Write(root_ / "allowed" / fmt::format("f{}.rrd", i), fmt::format("file {:02}", i));
  auto cache = FileCache::Make(AllowedRoots({allowed_}), /*capacity=*/4);
  std::vector<std::shared_ptr<ReadSource>> sources;
  for (int i = 0; i < 20; ++i) {
    auto path = fs::canonical(root_ / "allowed" / fmt::format("f{}.rrd", i)).string();
    sources.push_back(cache->Source(path, StatRegularFile(path).ValueOrDie()));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 20; ++i) {
      auto bytes = sources[i]->ReadAt(0, 7).ValueOrDie();
      EXPECT_EQ(bytes->ToString(), fmt::format("file {:02}", i));
      EXPECT_LE(cache->open_files(), 4u);
    }
  }
  // Rewritten in place (another size): refused, naming what changed.
  auto path0 = sources[0]->name();
  auto before = StatRegularFile(path0).ValueOrDie();
  Write(path0, "a longer file now");
  auto changed = cache->Validate(path0, before);
  EXPECT_EQ(KindOf(changed), ErrorKind::kFailedPrecondition);
  EXPECT_NE(changed.message().find("size 7 -> 17"), std::string::npos) << changed.message();
  EXPECT_FALSE(sources[0]->ReadAt(0, 4).ok());
  // Deleted while its descriptor is open: validation (a server's, once per request) drops the
  // descriptor, and nothing is served from it afterwards.
  auto path1 = sources[1]->name();
  auto identity1 = StatRegularFile(path1).ValueOrDie();
  ASSERT_TRUE(sources[1]->ReadAt(0, 4).ok());
  fs::remove(path1);
  EXPECT_EQ(KindOf(cache->Validate(path1, identity1)), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(sources[1]->ReadAt(0, 4).status()), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace chunkhouse::io
