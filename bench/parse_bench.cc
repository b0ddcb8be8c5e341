// Parser throughput against its ceiling: generates a corpus of feed
// documents in memory (RSS 2.0, Atom 1.0 and RSS 1.0/RDF; CJK and Latin
// text; entities; escaped and CDATA HTML; a few relative URLs) and times, in
// the same run over the same bytes,
//   - the ceiling: pugixml load_buffer plus a walk of every node and
//     attribute (what any pugixml-based parser must at least do), and
//   - ParseFeed (UTF-8 check, parse, reference decoding, normalisation).
// Prints both throughputs and their ratio (goal: >= 0.5).
//
//   parse_bench [total_megabytes=200] [repetitions=3] [relative_link_percent=5]
//   parse_bench --big [megabytes=50]   (peak memory of parsing one big feed)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/parser.h"

namespace {

// A small deterministic generator (no dependence on the C library's rand).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

 private:
  std::uint64_t state_;
};

constexpr const char* kCjkWords[] = {"教育部", "高校毕业生", "就业", "百日冲刺", "活动", "新浪财经",
                                     "日本語", "ニュース",   "東京", "한국어",   "경제", "市场"};
constexpr const char* kLatinWords[] = {
    "market", "growth",  "caf&eacute;", "report", "AT&amp;T", "the", "&ldquo;quoted&rdquo;",
    "news",   "&mdash;", "data",        "Привет", "Köln"};

std::string Words(Random& random, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ' ';
    out += random.Below(2) == 0 ? kCjkWords[random.Below(std::size(kCjkWords))]
                                : kLatinWords[random.Below(std::size(kLatinWords))];
  }
  return out;
}

// An HTML body of ~1-3 KB; `escaped` chooses &lt;p&gt; over CDATA.
int g_relative_percent = 5;

std::string Body(Random& random, bool escaped, int index) {
  std::string html;
  std::size_t paragraphs = 2 + random.Below(5);
  for (std::size_t p = 0; p < paragraphs; ++p) {
    html += "<p class=\"x\">" + Words(random, 20 + random.Below(40));
    // Some items link relatively (resolved against the feed URL, which
    // takes an HTML parse of the body).
    std::string href =
        (index % 100 < g_relative_percent && p == 0)
            ? "/posts/" + std::to_string(index)
            : "https://example.com/a/" + std::to_string(index) + "?p=" + std::to_string(p);
    html += " <a href=\"" + href + "\">link</a></p>\n";
  }
  if (!escaped) return "<![CDATA[" + html + "]]>";
  std::string out;
  out.reserve(html.size() + html.size() / 4);
  for (char c : html) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string RssHead(Random& random) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
         "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
         "xmlns:atom=\"http://www.w3.org/2005/Atom\">"
         "<channel><title>" +
         Words(random, 3) +
         "</title><link>https://example.com/</link>"
         "<description>" +
         Words(random, 8) +
         "</description><language>zh-cn</language>"
         "<lastBuildDate>Mon, 09 May 2022 03:00:00 GMT</lastBuildDate><ttl>5</ttl>\n";
}

constexpr const char* kRssTail = "</channel></rss>\n";

void AppendRssItem(Random& random, int i, std::string* out) {
  std::string& doc = *out;
  doc += "<item><title>" + Words(random, 6) + "</title><link>https://example.com/p/" +
         std::to_string(i) + "</link><guid isPermaLink=\"false\">id-" + std::to_string(i) +
         "</guid><pubDate>Mon, 09 May 2022 02:48:24 +0800</pubDate><dc:creator>" +
         Words(random, 2) + "</dc:creator><category>" + Words(random, 1) +
         "</category><description>" + Body(random, true, i) + "</description>";
  if (i % 2 == 0) doc += "<content:encoded>" + Body(random, false, i) + "</content:encoded>";
  doc += "</item>\n";
}

std::string Rss(Random& random, int items) {
  std::string doc = RssHead(random);
  for (int i = 0; i < items; ++i) AppendRssItem(random, i, &doc);
  return doc + kRssTail;
}

std::string Atom(Random& random, int entries) {
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xml:lang=\"ja\"><title>" +
      Words(random, 3) +
      "</title><link href=\"https://example.com/\"/>"
      "<id>urn:feed</id><updated>2022-05-09T02:48:24Z</updated>\n";
  for (int i = 0; i < entries; ++i) {
    doc += "<entry><id>urn:e:" + std::to_string(i) + "</id><title type=\"html\">" +
           Words(random, 6) +
           "</title><link rel=\"alternate\" type=\"text/html\" "
           "href=\"https://example.com/e/" +
           std::to_string(i) + "\"/><author><name>" + Words(random, 2) +
           "</name></author><published>2022-05-09T10:48:24+08:00</published>"
           "<updated>2022-05-09T02:48:24Z</updated><category term=\"t\" label=\"" +
           Words(random, 1) + "\"/><summary>" + Words(random, 20) +
           "</summary>"
           "<content type=\"html\">" +
           Body(random, true, i) + "</content></entry>\n";
  }
  return doc + "</feed>\n";
}

std::string Rdf(Random& random, int items) {
  std::string doc =
      "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
      "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
      "<channel rdf:about=\"https://example.com/\"><title>" +
      Words(random, 3) +
      "</title><link>https://example.com/</link><description>d</description></channel>\n";
  for (int i = 0; i < items; ++i) {
    doc += "<item rdf:about=\"https://example.com/r/" + std::to_string(i) + "\"><title>" +
           Words(random, 6) + "</title><link>https://example.com/r/" + std::to_string(i) +
           "</link><dc:date>2022-05-09T02:48:24+00:00</dc:date><dc:subject>" + Words(random, 1) +
           "</dc:subject><description>" + Body(random, true, i) + "</description></item>\n";
  }
  return doc + "</rdf:RDF>\n";
}

// Everything pugixml gives must at least be visited once.
std::size_t WalkAll(const pugi::xml_node& root) {
  std::size_t total = 0;
  pugi::xml_node node = root.first_child();
  while (node) {
    total +=
        std::char_traits<char>::length(node.name()) + std::char_traits<char>::length(node.value());
    for (pugi::xml_attribute attr : node.attributes()) {
      total += std::char_traits<char>::length(attr.name()) +
               std::char_traits<char>::length(attr.value());
    }
    if (node.first_child()) {
      node = node.first_child();
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      if (node == root) return total;
    }
    if (node) node = node.next_sibling();
  }
  return total;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Peak memory of one ParseFeed call on a single big RSS document, as a
// multiple of the document's size. The document is generated into one
// buffer reserved up front, so that generating it does not raise the
// high-water mark; the mark is then reset (Linux: /proc/self/clear_refs)
// so that what is reported is the parse with the input in memory.
int BigFeed(double megabytes) {
  Random random(0x6269676665656421ULL);
  const auto target = static_cast<std::size_t>(megabytes * 1024 * 1024);
  std::string doc;
  doc.reserve(target + (1 << 20));
  doc += RssHead(random);
  int items = 0;
  while (doc.size() < target) AppendRssItem(random, items++, &doc);
  doc += kRssTail;
  const double input_mb = static_cast<double>(doc.size()) / (1024.0 * 1024.0);
  bool reset = false;
  if (std::FILE* refs = std::fopen("/proc/self/clear_refs", "w")) {
    reset = std::fputs("5", refs) >= 0;
    reset = std::fclose(refs) == 0 && reset;
  }
  const double before_mb = PeakRssMegabytes();
  tributary::feeds::ParseOptions options;
  options.feed_url = "https://example.com/feed.xml";
  auto start = std::chrono::steady_clock::now();
  auto parsed = tributary::feeds::ParseFeed(doc, options);
  double seconds = Seconds(std::chrono::steady_clock::now() - start);
  const double peak_mb = PeakRssMegabytes();
  if (!parsed) {
    std::fprintf(stderr, "parse failed: %s\n", parsed.error().ToString().c_str());
    return 1;
  }
  std::size_t output = 0;
  for (const tributary::feeds::ParsedItem& item : parsed->items) {
    output += item.id.size() + item.title.size() + item.link.size() + item.author.size() +
              item.summary.size() + item.content.size();
    for (const std::string& category : item.categories) output += category.size();
  }
  std::printf("big feed: %.1f MB, %d items, parsed in %.2f s (%.1f MB/s); %.1f MB of item text\n",
              input_mb, items, seconds, input_mb / seconds,
              static_cast<double>(output) / (1024.0 * 1024.0));
  std::printf("peak RSS before the parse %.1f MB%s, during it %.1f MB\n", before_mb,
              reset ? "" : " (high-water mark not reset)", peak_mb);
  std::printf("peak memory: %.2fx the input, input included (goal < 4)\n", peak_mb / input_mb);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--big") {
    return BigFeed(argc > 2 ? std::atof(argv[2]) : 50.0);
  }
  double target_mb = argc > 1 ? std::atof(argv[1]) : 200.0;
  int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  if (argc > 3) g_relative_percent = std::atoi(argv[3]);
  Random random(0x7269627574617279ULL);
  std::vector<std::string> corpus;
  std::size_t total = 0;
  while (static_cast<double>(total) < target_mb * 1024 * 1024) {
    int items = 20 + static_cast<int>(random.Below(180));
    std::size_t kind = corpus.size() % 3;
    corpus.push_back(kind == 0   ? Rss(random, items)
                     : kind == 1 ? Atom(random, items)
                                 : Rdf(random, items));
    total += corpus.back().size();
  }
  double megabytes = static_cast<double>(total) / (1024.0 * 1024.0);
  std::printf(
      "corpus: %zu documents, %.1f MB (RSS 2.0, Atom 1.0, RSS 1.0), %d%% of items with a "
      "relative link\n",
      corpus.size(), megabytes, g_relative_percent);

  double best_ceiling = 1e300;
  double best_parse = 1e300;
  std::size_t checksum = 0;
  std::size_t items = 0;
  for (int rep = 0; rep < repetitions; ++rep) {
    auto start = std::chrono::steady_clock::now();
    for (const std::string& doc : corpus) {
      pugi::xml_document document;
      pugi::xml_parse_result result = document.load_buffer(doc.data(), doc.size());
      if (!result) std::abort();
      checksum += WalkAll(document);
    }
    best_ceiling = std::min(best_ceiling, Seconds(std::chrono::steady_clock::now() - start));

    start = std::chrono::steady_clock::now();
    tributary::feeds::ParseOptions options;
    options.feed_url = "https://example.com/feed.xml";
    items = 0;
    for (const std::string& doc : corpus) {
      auto parsed = tributary::feeds::ParseFeed(doc, options);
      if (!parsed) {
        std::fprintf(stderr, "parse failed: %s\n", parsed.error().ToString().c_str());
        return 1;
      }
      items += parsed->items.size();
    }
    best_parse = std::min(best_parse, Seconds(std::chrono::steady_clock::now() - start));
  }
  double ceiling_rate = megabytes / best_ceiling;
  double parse_rate = megabytes / best_parse;
  std::printf("pugixml load_buffer + full walk: %8.1f MB/s (checksum %zu)\n", ceiling_rate,
              checksum % 1000);
  std::printf("ParseFeed:                       %8.1f MB/s (%zu items)\n", parse_rate, items);
  std::printf("ratio: %.2f (goal >= 0.50), best of %d runs\n", parse_rate / ceiling_rate,
              repetitions);
  return 0;
}
