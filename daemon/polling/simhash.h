// SimHash: a 64-bit fingerprint of a text such that near-duplicate texts
// (the same wire story on two sites) differ in few bits. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::daemon {

// The words of an HTML fragment, for fingerprinting only: tags, comments
// and script/style contents dropped, character references decoded, a space
// where a tag was. A tokenizer-level reading (feeds/html_scan.h), not a
// tree: building gumbo's tree for every new item was half the CPU of a cold
// poll, and a fingerprint needs only the same words from the same markup.
// Nothing here is shown to anyone; pages and mail go through the gumbo
// sanitiser.
std::string HtmlToText(std::string_view html);

// Normalised tokens of plain text: ASCII lower-cased words of letters and
// digits (punctuation dropped), and each CJK character (Han, kana, Hangul)
// as a token of its own, since those scripts do not separate words.
std::vector<std::string> SimHashTokens(std::string_view text);

// Texts with fewer shingles than this get no fingerprint (0): short texts
// collide too easily to say anything.
inline constexpr std::size_t kMinShingles = 8;
inline constexpr std::size_t kShingleTokens = 3;
// Default grouping threshold. On tests/data/dedup it gives precision 1.0 and
// recall 1.0 (first false match at 16); two unrelated texts fall within 11
// bits with probability ~5e-8, so a 500-entry output expects 0.006 wrong merges.
inline constexpr int kDefaultMaxHammingDistance = 11;
// Only the first this many bytes of a text are fingerprinted.
inline constexpr std::size_t kSimHashMaxBytes = 64 * 1024;

// SimHash over shingles of kShingleTokens consecutive tokens (so character
// trigrams for CJK text) of the first kSimHashMaxBytes of `text`. 0 when the
// text is too short.
std::uint64_t SimHash(std::string_view text);

int HammingDistance(std::uint64_t a, std::uint64_t b);

}  // namespace tributary::daemon
