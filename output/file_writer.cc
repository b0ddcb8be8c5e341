#include "output/file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace tributary::output {
namespace {

Error IoError(const std::string& path, const std::string& what, int error_number) {
  return Error{ErrorCode::kIo, what + ": " + std::strerror(error_number), path};
}

// True when the file at `path` exists and its bytes equal `content`.
bool HasContent(const std::string& path, std::string_view content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0 || static_cast<std::size_t>(size) != content.size()) return false;
  in.seekg(0);
  std::string existing(content.size(), '\0');
  in.read(existing.data(), static_cast<std::streamsize>(existing.size()));
  return in.good() && existing == content;
}

bool WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// Makes a durable rename durable: the directory entry itself is synced.
Result<void> SyncDirectory(const std::string& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(directory, "cannot open directory to sync it", errno);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return IoError(directory, "cannot sync directory", saved);
  return Ok();
}

}  // namespace

Result<bool> WriteFileIfChanged(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  if (HasContent(path, content)) return false;

  fs::path target(path);
  fs::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return Error{ErrorCode::kIo, "cannot create directory: " + error.message(), path};
  }
  mode_t mode = 0644;
  if (struct stat existing{}; ::stat(path.c_str(), &existing) == 0) {
    if (!S_ISREG(existing.st_mode)) {
      return Error{ErrorCode::kIo, "exists and is not a regular file", path};
    }
    mode = existing.st_mode & 07777;
  }

  std::string temp_name = (directory / ("." + target.filename().string() + ".tmp.XXXXXX"));
  std::vector<char> temp_path(temp_name.begin(), temp_name.end());
  temp_path.push_back('\0');
  int fd = ::mkostemp(temp_path.data(), O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot create temp file", errno);
  auto fail = [&](const std::string& what) -> Result<bool> {
    int saved = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp_path.data());
    return IoError(path, what, saved);
  };
  if (!WriteAll(fd, content)) return fail("cannot write temp file");
  if (::fchmod(fd, mode) != 0) return fail("cannot set mode of temp file");
  if (::fsync(fd) != 0) return fail("cannot sync temp file");
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail("cannot close temp file");
  if (::rename(temp_path.data(), path.c_str()) != 0) return fail("cannot rename temp file");
  Result<void> synced = SyncDirectory(directory.string());
  if (!synced) return synced.error();
  return true;
}

}  // namespace tributary::output
