#include "output/file_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace tributary::output {
namespace {

namespace fs = std::filesystem;

class FileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tributary_file_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::size_t EntriesIn(const fs::path& dir) const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(FileWriterTest, CreatesParentDirectoriesAndFile) {
  fs::path path = dir_ / "a" / "b" / "feed.atom";
  Result<bool> written = WriteFileIfChanged(path.string(), "hello");
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_TRUE(*written);
  EXPECT_EQ(Read(path), "hello");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(FileWriterTest, IdenticalContentLeavesFileAndMtimeAlone) {
  fs::path path = dir_ / "feed.atom";
  ASSERT_TRUE(WriteFileIfChanged(path.string(), "same"));
  // Back-date the file so an accidental rewrite would show in its mtime.
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);

  Result<bool> written = WriteFileIfChanged(path.string(), "same");
  ASSERT_TRUE(written);
  EXPECT_FALSE(*written);
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_ino, before.st_ino);
}

TEST_F(FileWriterTest, ChangedContentReplacesFileAtomicallyAndKeepsMode) {
  fs::path path = dir_ / "feed.atom";
  ASSERT_TRUE(WriteFileIfChanged(path.string(), "old"));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  Result<bool> written = WriteFileIfChanged(path.string(), "new and longer");
  ASSERT_TRUE(written);
  EXPECT_TRUE(*written);
  EXPECT_EQ(Read(path), "new and longer");
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(after.st_ino, before.st_ino);  // a new inode: renamed into place
  EXPECT_EQ(after.st_mode & 0777, 0600u);
  EXPECT_EQ(EntriesIn(dir_), 1u);  // no temp file left behind
}

TEST_F(FileWriterTest, ShorterContentIsNotMistakenForSame) {
  fs::path path = dir_ / "f";
  ASSERT_TRUE(WriteFileIfChanged(path.string(), "abcdef"));
  Result<bool> written = WriteFileIfChanged(path.string(), "abc");
  ASSERT_TRUE(written);
  EXPECT_TRUE(*written);
  EXPECT_EQ(Read(path), "abc");
}

TEST_F(FileWriterTest, FailureLeavesOldStateAndNoTempFile) {
  // The target is a directory: the write must fail, and leave it alone.
  fs::path target = dir_ / "taken";
  fs::create_directories(target / "inside");
  Result<bool> written = WriteFileIfChanged(target.string(), "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kIo);
  EXPECT_EQ(written.error().context, target.string());
  EXPECT_TRUE(fs::is_directory(target / "inside"));
  EXPECT_EQ(EntriesIn(dir_), 1u);
}

TEST_F(FileWriterTest, FailedWriteKeepsOldFileIntact) {
  fs::path path = dir_ / "feed.atom";
  ASSERT_TRUE(WriteFileIfChanged(path.string(), "old content"));
  // A file size limit makes write() fail with EFBIG part way through, as a
  // full disk would.
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Result<bool> written = WriteFileIfChanged(path.string(), std::string(100000, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);

  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("cannot write temp file"), std::string::npos)
      << written.error().ToString();
  EXPECT_EQ(Read(path), "old content");
  EXPECT_EQ(EntriesIn(dir_), 1u);  // the temp file was removed
}

TEST_F(FileWriterTest, ParentThatIsAFileIsAnError) {
  fs::path blocker = dir_ / "file";
  ASSERT_TRUE(WriteFileIfChanged(blocker.string(), "keep"));
  Result<bool> written = WriteFileIfChanged((blocker / "child.atom").string(), "x");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("cannot create directory"), std::string::npos);
  EXPECT_EQ(Read(blocker), "keep");
}

TEST_F(FileWriterTest, EmptyContentIsWritten) {
  fs::path path = dir_ / "empty";
  Result<bool> written = WriteFileIfChanged(path.string(), "");
  ASSERT_TRUE(written);
  EXPECT_TRUE(*written);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(*WriteFileIfChanged(path.string(), ""));
}

}  // namespace
}  // namespace tributary::output
