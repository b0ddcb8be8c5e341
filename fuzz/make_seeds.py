#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from
the test fixtures and the hand-written cases below. Run from the repository
root; existing seeds of the same name are overwritten, regression-* seeds
and other files are left alone. fuzz/corpus/feed/ is not written here."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def dates():
    # Every input of the date parser's table test, plus a few edges.
    text = read("tests/feeds/dates_test.cc").decode("utf-8")
    inputs = re.findall(r'^\s*\{"((?:[^"\\]|\\.)*)",', text, re.M)
    inputs += ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "20220509T024824Z",
               "Thu, 01 Jan 1970 00:00:00 GMT", "2016-12-31T23:59:60Z"]
    inputs = [value for value in dict.fromkeys(inputs) if "\\" not in value]
    for i, value in enumerate(inputs[::2] + inputs[-5:]):
        write("dates", "seed-%02d" % i, value)


def charset():
    # The encoding fixtures: first byte the length of a Content-Type.
    feeds = os.path.join(ROOT, "tests", "data", "feeds")
    for name in sorted(os.listdir(feeds)):
        if not (name.startswith("encoding-") and name.endswith(".xml")):
            continue
        stem = name[:-4]
        content_type = b""
        if os.path.exists(os.path.join(feeds, stem + ".content-type")):
            content_type = read("tests/data/feeds/" + stem + ".content-type").strip()[:47]
        write("charset", stem, bytes([len(content_type)]) + content_type +
              read("tests/data/feeds/" + name))
    for i, (content_type, body) in enumerate([
            (b"text/xml; charset=\"windows-1251\"", "\u041f\u0440\u0438".encode("cp1251")),
            (b"text/html;charset=shift_jis", "\u65e5\u672c".encode("shift_jis")),
            (b"", b"\xef\xbb\xbf<?xml version='1.0'?><a>\xc3\xa9</a>"),
            (b"", "\ufeff<a/>".encode("utf-16-le")),
            (b"", "\ufeff<a/>".encode("utf-16-be")),
            (b"application/xml; charset=utf-16", "<a>x</a>".encode("utf-16-le")),
            (b"", b"<?xml version=\"1.0\" encoding=\"koi8-r\"?><a>\xf0\xd2\xc9</a>"),
            (b"", b"<a>\x01\x02\x7f\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf</a>")]):
        write("charset", "seed-%02d" % i, bytes([len(content_type)]) + content_type + body)


def url():
    # base, reference, then HTML.
    cases = [
        ("https://example.org/dir/feed.xml", "../a/./b?q=1#f",
         '<p><a href="x.html">x</a> <img src="/i.png"> <video poster="p.jpg"></video></p>'),
        ("http://example.org", "//cdn.example.net/x", '<a href="#top">t</a>'),
        ("https://example.org/a/b/c", "", '<a href=" rel ">r</a><a href=mailto:x@y>m</a>'),
        ("https://user:pw@example.org:8443/p;x?y", "?only", "<base href=/x><a href=y>"),
        ("https://[::1]/v6/", "é/ü?ß", '<a href="ümlaut">u</a>'),
        ("https://xn--bcher-kva.example/", "../../../../x", "<img src=a.png srcset='b.png 2x'>"),
        ("file:///srv/feeds/x.xml", "y.xml", '<a href="z">'),
        ("not a url", "x", '<a href="y">'),
        ("https://example.org/%ba/", "%zz", '<a href="%41">'),
        ("https://example.org/dir/", "/plain/absolute/path.html",
         "<table><tr><td><a href=t>t</a></table><svg><a href=s /></svg>"),
        ("HTTPS://EXAMPLE.ORG/Dir/", "a b\tc", "<A HREF='q'>Q</A><!-- <a href=c> -->"),
        ("https://example.org/", "data:text/html,x",
         '<script>var a = "<a href=s>";</script><a href=\'&amp;x\'>'),
    ]
    for i, (base, ref, html) in enumerate(cases):
        write("url", "seed-%02d" % i, base + "\n" + ref + "\n" + html)


def sanitizer():
    # Options byte (bit 0 active-content mode, bit 1 data images, bit 2
    # base URL), then HTML: the XSS vectors under both modes, and markup.
    lines = [line for line in read("tests/data/output/xss/vectors.txt").decode("utf-8")
             .splitlines() if line and not line.startswith("# ")]
    for i, line in enumerate(lines[::6]):
        write("sanitizer", "xss-%02d" % i, bytes([i % 8]) + line.encode("utf-8"))
    markup = [
        '<p>Hello <b>world</b> <a href="/x" title="t" onclick="y">link</a></p>',
        '<table><tr><td colspan=2>a<td>b</table><ul><li>1<li>2</ul>',
        '<pre>\n\nindented</pre><blockquote cite="q.html">q</blockquote>',
        '<img src="data:image/png;base64,iVBORw0K" alt=x><img src="i.gif" width=1>',
        '<style>p{color:red}</style><!-- comment --><div class=c id=i style="x">d</div>',
        '<video src=v.mp4 poster=p.jpg controls><source src=s.webm type=video/webm></video>',
        '<p><div>block in p</div></p><a><a>nested</a></a><form><input></form>',
        "<math><mi>x</mi></math><svg><script>1</script></svg><noscript><p>n</noscript>",
        '<details open><summary>s</summary>body</details><ruby>k<rt>r</rt></ruby>',
        '<a href="mailto:x@example.org">m</a><a href="javascript&colon;1">j</a>',
        "&lt;script&gt; &amp;amp; &#x27; &nbsp; text with no markup at all",
        '<div>' * 40 + 'deep' + '</div>' * 40,
    ]
    for i, html in enumerate(markup):
        for flags in (0, 1, 6):
            write("sanitizer", "markup-%02d-%d" % (i, flags), bytes([flags]) + html.encode("utf-8"))


def config():
    write("config", "example", read("etc/tributary.example.yaml"))
    text = read("tests/config/config_loader_test.cc").decode("utf-8")
    for i, body in enumerate(re.findall(r'R"\((.*?)\)"', text, re.S)[:30]):
        write("config", "loader-test-%02d" % i, body)
    write("config", "small", "storage:\n  path: var/t.db\nfeeds:\n  - url: https://example.org/f\n"
          "    categories: [News]\noutputs:\n  - type: feed\n    format: atom\n"
          "    path: public/all.atom\n    url_path: /all.atom\n")
    write("config", "anchors", "defaults: &d {interval: 1h30m, timeout: 500ms}\n"
          "feeds:\n  - {url: 'http://a.example/x', <<: *d}\n  - url: HTTPS://B.example/\n")


def opml():
    for name in ("subscriptions.opml", "hostile.opml", "broken.opml"):
        write("opml", name[:-5], read("tests/data/config/" + name))
    write("opml", "nested", '<?xml version="1.0"?>\n<opml version="2.0"><head/><body>'
          '<outline text="A"><outline text="B"><outline xmlUrl="https://x.example/f" '
          'text="f"/></outline></outline><outline text="A"><outline title="t" '
          'xmlUrl="http://y.example/g"/></outline><outline xmlUrl="https://z.example/"/>'
          '</body></opml>')
    write("opml", "latin1", b'<?xml version="1.0" encoding="ISO-8859-1"?><opml><body>'
          b'<outline text="caf\xe9" xmlUrl="https://x.example/\xe9"/></body></opml>')


def http_server():
    # Raw request bytes; pipelined requests follow each other.
    requests = [
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /all.atom HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate\r\n\r\n",
        b"GET /all.atom HTTP/1.1\r\nIf-None-Match: W/\"x\", *\r\n\r\n",
        b"HEAD /status HTTP/1.0\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip;q=0, *;q=0.5\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET /?x=1 HTTP/1.1\r\nIf-Modified-Since: Mon, 09 May 2022 02:48:24 GMT\r\n\r\n",
        b"GET http://localhost/all.rss HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        b"GET /nothing HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\nHEAD /all.atom HTTP/1.1\r\n\r\n",
        b"GET /fail HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
        b"GET /  HTTP/1.1\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\n\r\n",
        b"GET /all.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: x-gzip\r\n"
        b"If-None-Match: \"abc\"\r\nIf-Modified-Since: garbage\r\n\r\n",
    ]
    for i, request in enumerate(requests):
        write("http_server", "seed-%02d" % i, request)


TARGETS = {"dates": dates, "charset": charset, "url": url, "sanitizer": sanitizer,
           "config": config, "opml": opml, "http_server": http_server}

if __name__ == "__main__":
    for target in sys.argv[1:] or TARGETS:
        TARGETS[target]()
