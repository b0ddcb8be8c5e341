#include "daemon/publishing/post_commands.h"

#include "common/log.h"

namespace tributary::daemon {
namespace {

// What a command may print before it is killed: hexo and rsync print a line
// per file, which is far below this, and the loop keeps no more than this.
constexpr std::int64_t kMaxCommandOutput = 16 * 1024 * 1024;

}  // namespace

void PostWriteCommands::Request(const config::OutputConfig& output) {
  if (output.command.empty()) return;
  const std::string key = !output.path.empty() ? output.path : output.dir;
  Slot& slot = slots_[key];
  slot.argv = output.command;
  slot.timeout = output.command_timeout;
  if (slot.running) {
    slot.again = true;
    return;
  }
  Start(key, slot);
}

void PostWriteCommands::Start(const std::string& key, Slot& slot) {
  slot.running = true;
  slot.again = false;
  feeds::FetchLimits limits;
  limits.max_body_bytes = kMaxCommandOutput;
  limits.total_timeout = slot.timeout;
  const std::string name = slot.argv.front();
  // slots_ is a std::map: the reference stays valid while the entry exists,
  // and entries are never erased.
  runner_.Run(slot.argv, limits, key, [this, key, name, &slot](feeds::FetchResult result) {
    ++finished_;
    slot.running = false;
    if (result.error == feeds::FetchError::kNone) {
      log::Info("output command {}: ok", name);
    } else if (result.error == feeds::FetchError::kTimeout) {
      log::Error("output command {} (output {}): killed after {} s (outputs[].command_timeout)",
                 name, key, slot.timeout.count());
    } else {
      log::Error("output command {} (output {}): {}", name, key, result.error_message);
    }
    if (slot.again) Start(key, slot);
  });
}

}  // namespace tributary::daemon
