#include "daemon/digests/digest_setup.h"

#include "output/mime.h"

namespace tributary::daemon {
namespace {

Error InDigest(const config::DigestConfig& digest, const Error& error, std::string_view key) {
  std::string context = "digest " + digest.name + ": " + std::string(key);
  if (!digest.mark.file.empty()) {
    context = digest.mark.file + ":" + std::to_string(digest.mark.line) + ": " + context;
  }
  return Error{ErrorCode::kConfig, error.message, context};
}

}  // namespace

Result<DigestSetup> PrepareDigest(const config::DigestConfig& digest) {
  DigestSetup setup;
  if (digest.name.empty()) {
    return InDigest(digest, Error{ErrorCode::kConfig, "a digest needs a name", ""}, "name");
  }
  Result<DigestSchedule> schedule = ParseDigestSchedule(digest.schedule);
  if (!schedule) return InDigest(digest, schedule.error(), "schedule");
  Result<const date::time_zone*> zone = LocateZone(digest.timezone);
  if (!zone) return InDigest(digest, zone.error(), "timezone");
  Result<DeliveryTarget> delivery =
      ParseDeliveryTarget(digest.delivery, digest.password_file, digest.password_env);
  if (!delivery) return InDigest(digest, delivery.error(), "delivery");
  Result<output::mime::Address> from = output::mime::ParseAddress(digest.from);
  if (!from) return InDigest(digest, from.error(), "from");
  if (digest.to.empty()) {
    return InDigest(digest, Error{ErrorCode::kConfig, "no recipients", ""}, "to");
  }
  for (const std::string& recipient : digest.to) {
    Result<output::mime::Address> to = output::mime::ParseAddress(recipient);
    if (!to) return InDigest(digest, to.error(), "to");
    setup.envelope_to.push_back(to->addr_spec);
  }
  setup.envelope_from = from->addr_spec;

  setup.runner.digest = digest.name;
  setup.runner.schedule = *schedule;
  setup.runner.zone = *zone;
  setup.runner.send_empty = digest.send_empty;
  setup.delivery = std::move(*delivery);
  setup.message.name = digest.name;
  setup.message.from = digest.from;
  setup.message.to = digest.to;
  setup.message.subject_template = digest.subject;
  setup.message.timezone = digest.timezone;
  setup.message.max_items = digest.max_items;
  setup.message.max_items_per_feed = digest.max_items_per_feed;
  Result<std::string> html = output::LoadDigestTemplate(digest.html_template);
  if (!html) return InDigest(digest, html.error(), "html_template");
  setup.message.html_template = std::move(*html);
  Result<std::string> text = output::LoadDigestTemplate(digest.text_template);
  if (!text) return InDigest(digest, text.error(), "text_template");
  setup.message.text_template = std::move(*text);
  return setup;
}

}  // namespace tributary::daemon
