#!/usr/bin/env python3
"""Writes the fixtures of issue 15 (what feedparser reads) into tests/data/feeds/.

The same format and writer as scripts/gen_feed_fixtures.py (imported for its
case() and main()): one small document per behaviour, named after it, with
the expected `tributary parse --json` output written out by hand below.
scripts/feedparser_agreement.py compares the same documents with
feedparser; docs/parsing.md lists where we differ on purpose.

    python3 scripts/gen_feedparser_fixtures.py
"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_feed_fixtures as g  # noqa: E402  (its cases are built, not written)

g.CASES = []
case = g.case
NS = g.NS
FEED = g.FEED
ATOM03 = 'http://purl.org/atom/ns#'


def rss(items, channel='', ns=(), version='2.0', root_attrs='', decl=None):
    kwargs = {} if decl is None else {'decl': decl}
    body = g.rss(items, channel, ns, version, **kwargs)
    return body.replace('<rss', '<rss' + root_attrs, 1) if root_attrs else body


item = g.item


def atom_doc(ns_uri, inner, version=None, decl=True):
    v = ' version="%s"' % version if version else ''
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if decl else ''
    return '%s<feed%s xmlns="%s">%s</feed>\n' % (head, v, ns_uri, inner)


def b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


# ------------------------------------------------ Atom 0.3, pre-standard Atom
ATOM_BODY = ('<title>Example</title><link rel="alternate" type="text/html" '
             'href="https://example.org/"/><entry><title>One</title><id>urn:e1</id>'
             '<link rel="alternate" type="text/html" href="https://example.org/1"/>'
             '<summary>S</summary></entry>')
ATOM_ITEM = {'id': 'urn:e1', 'title': 'One', 'link': 'https://example.org/1', 'summary': 'S',
             'content': 'S'}
UNKNOWN_NS_WARNING = 'Atom feed in an unknown namespace read as Atom %s'
ATOM_NAMESPACES = [
    ('draft-08-uri', 'http://purl.org/atom/ns#draft-ietf-atompub-format-08'),
    ('draft-09-uri', 'http://purl.org/atom/ns#draft-ietf-atompub-format-09'),
    ('example-newformat-uri', 'http://example.com/newformat#'),
    ('example-org-uri', 'http://example.org/atom/'),
]
for ns_name, uri in ATOM_NAMESPACES:
    for version in ['0.1', '0.2', '0.3', 'draft-ietf-atompub-format-08']:
        case('atom-prestandard-%s-version-%s' % (ns_name, version.replace('.', '')),
             atom_doc(uri, ATOM_BODY, version), FEED, [ATOM_ITEM],
             warnings=[UNKNOWN_NS_WARNING % version])
for version in ['0.1', '0.2', '0.3']:
    case('atom-0.3-namespace-version-%s' % version.replace('.', ''),
         atom_doc(ATOM03, ATOM_BODY, version), FEED, [ATOM_ITEM])
case('atom-prestandard-unknown-namespace-without-version',
     atom_doc('http://example.com/newformat#', ATOM_BODY), FEED, [ATOM_ITEM],
     warnings=['Atom feed in an unknown namespace read as Atom'])
case('atom-0.3-issued-is-published',
     atom_doc(ATOM03, '<title>Example</title><entry><title>T</title>'
              '<issued>2022-05-09T02:48:24Z</issued></entry>', '0.3'),
     {'title': 'Example'}, [{'title': 'T', 'published': '2022-05-09T02:48:24Z'}])
case('atom-0.3-modified-is-updated',
     atom_doc(ATOM03, '<title>Example</title><modified>2022-05-10T00:00:00Z</modified><entry>'
              '<title>T</title><modified>2022-05-09T02:48:24Z</modified></entry>', '0.3'),
     {'title': 'Example', 'updated': '2022-05-10T00:00:00Z'},
     [{'title': 'T', 'updated': '2022-05-09T02:48:24Z'}])
case('atom-0.3-tagline-is-subtitle',
     atom_doc(ATOM03, '<title>Example</title><tagline>About us</tagline>', '0.3'),
     {'title': 'Example', 'subtitle': 'About us'})
case('atom-0.3-author-url',
     atom_doc(ATOM03, '<title>Example</title><entry><title>T</title><author>'
              '<url>https://jo.example/</url></author></entry>', '0.3'),
     {'title': 'Example'}, [{'title': 'T', 'author': 'https://jo.example/'}])

# mode="base64" and mode="escaped" text constructs
B64_CASES = [
    ('title-text-plain', 'title', 'text/plain', 'Plain <b>not bold</b>',
     {'title': 'Plain <b>not bold</b>'}),
    ('title-text-html', 'title', 'text/html', '<b>Bold</b> text', {'title': 'Bold text'}),
    ('title-no-type', 'title', None, 'Caf\u00e9 \u4e2d\u6587', {'title': 'Caf\u00e9 \u4e2d\u6587'}),
    ('summary-text-html', 'summary', 'text/html', '<p>Hi</p>',
     {'summary': '<p>Hi</p>', 'content': '<p>Hi</p>'}),
    ('summary-text-plain', 'summary', 'text/plain', 'a < b',
     {'summary': 'a &lt; b', 'content': 'a &lt; b'}),
    ('content-text-html', 'content', 'text/html', '<p>Body <i>x</i></p>',
     {'content': '<p>Body <i>x</i></p>'}),
    ('content-text-plain', 'content', 'text/plain', 'x & y', {'content': 'x &amp; y'}),
]
for name, element, type_, text, expected in B64_CASES:
    t = ' type="%s"' % type_ if type_ else ''
    case('atom-0.3-base64-%s' % name,
         atom_doc(ATOM03, '<title>Example</title><entry><%s mode="base64"%s>%s</%s></entry>'
                  % (element, t, b64(text), element), '0.3'),
         {'title': 'Example'}, [expected])
case('atom-0.3-base64-wrapped-lines',
     atom_doc(ATOM03, '<title>Example</title><entry><title mode="base64">%s\n%s</title></entry>'
              % (b64('A title long enough')[:12], b64('A title long enough')[12:]), '0.3'),
     {'title': 'Example'}, [{'title': 'A title long enough'}])
case('atom-0.3-base64-unpadded',
     atom_doc(ATOM03, '<title>Example</title><entry><title mode="base64">%s</title></entry>'
              % b64('ab').rstrip('='), '0.3'), {'title': 'Example'}, [{'title': 'ab'}])
case('atom-0.3-base64-invalid-kept-as-text',
     atom_doc(ATOM03, '<title>Example</title><entry><title mode="base64">not*base64!</title>'
              '</entry>', '0.3'), {'title': 'Example'}, [{'title': 'not*base64!'}],
     warnings=['<title> in mode="base64" is not base64; kept as text'])
case('atom-0.3-base64-feed-title',
     atom_doc(ATOM03, '<title mode="base64">%s</title>' % b64('Example'), '0.3'),
     {'title': 'Example'})
ESC_CASES = [
    ('title-html', 'title', '&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more', {'title': 'Bold & more'}),
    ('summary', 'summary', '&lt;p&gt;Hi &lt;a href="/x"&gt;there&lt;/a&gt;&lt;/p&gt;',
     {'summary': '<p>Hi <a href="https://example.org/x">there</a></p>',
      'content': '<p>Hi <a href="https://example.org/x">there</a></p>'}),
    ('content', 'content', '&lt;p&gt;Body&lt;/p&gt;', {'content': '<p>Body</p>'}),
    ('content-cdata', 'content', '<![CDATA[<p>Body</p>]]>', {'content': '<p>Body</p>'}),
]
for name, element, text, expected in ESC_CASES:
    case('atom-0.3-escaped-%s' % name,
         atom_doc(ATOM03, '<title>Example</title><link rel="alternate" href="https://example.org/"/>'
                  '<entry><%s mode="escaped" type="text/html">%s</%s></entry>'
                  % (element, text, element), '0.3'), FEED, [expected])
case('atom-0.3-escaped-without-type-is-html',
     atom_doc(ATOM03, '<title>Example</title><entry><summary mode="escaped">&lt;i&gt;x&lt;/i&gt;'
              '</summary></entry>', '0.3'), {'title': 'Example'},
     [{'summary': '<i>x</i>', 'content': '<i>x</i>'}])
case('atom-0.3-mode-xml-content-kept-as-markup',
     atom_doc(ATOM03, '<title>Example</title><entry><content mode="xml" type="application/xhtml+xml">'
              '<div xmlns="http://www.w3.org/1999/xhtml"><p>X</p></div></content></entry>', '0.3'),
     {'title': 'Example'}, [{'content': '<p>X</p>'}])

# ------------------------------------------------------ RSS in namespaces
RSS_NS = [
    ('userland-rss2', 'http://backend.userland.com/rss2', []),
    ('userland-rss', 'http://backend.userland.com/rss', []),
    ('harvard-rss', 'http://blogs.law.harvard.edu/tech/rss', []),
    ('empty-xmlns', '', []),
    ('unknown-uri', 'http://example.com/my-rss', ['<rss> in an unknown default namespace; '
                                                   'its elements read as RSS']),
]
NS_ITEM = ('<title>T</title><link>https://example.org/1</link><description>D</description>'
           '<guid isPermaLink="false">g1</guid><pubDate>Mon, 09 May 2022 02:48:24 GMT</pubDate>'
           '<author>jo@example.org (Jo)</author><category>Cat</category>'
           '<enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="10"/>')
NS_EXPECTED = {'id': 'g1', 'title': 'T', 'link': 'https://example.org/1', 'author': 'Jo',
               'published': '2022-05-09T02:48:24Z', 'summary': 'D', 'content': 'D',
               'categories': ['Cat'],
               'enclosures': [{'url': 'https://example.org/a.mp3', 'type': 'audio/mpeg',
                               'length': 10}]}
for name, uri, warnings in RSS_NS:
    for version in ['0.91', '0.92', '2.0']:
        case('rss-namespace-%s-version-%s' % (name, version.replace('.', '')),
             rss(item(NS_ITEM), '<description>About</description>', version=version,
                 root_attrs=' xmlns="%s"' % uri),
             dict(FEED, subtitle='About'), [NS_EXPECTED], warnings=warnings)
case('rss-namespace-userland-prefixed-elements',
     '<?xml version="1.0"?>\n<r:rss xmlns:r="http://backend.userland.com/rss2" version="2.0">'
     '<r:channel><r:title>Example</r:title><r:link>https://example.org/</r:link>'
     '<r:item><r:title>T</r:title></r:item></r:channel></r:rss>\n', FEED, [{'title': 'T'}])
case('rss-namespace-xmlns-empty-on-channel',
     '<?xml version="1.0"?>\n<rss version="2.0"><channel xmlns=""><title>Example</title>'
     '<link>https://example.org/</link><item><title>T</title></item></channel></rss>\n',
     FEED, [{'title': 'T'}])
RDF_HEAD = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="%s" xmlns="http://purl.org/rss/1.0/">'
            '<channel rdf:about="https://example.org/"><title>Example</title>'
            '<link>https://example.org/</link><description>About</description></channel>'
            % NS['rdf'])
RDF_RSS2 = [
    ('guid', '<guid isPermaLink="false">g1</guid>', {'id': 'g1'}),
    ('pubdate', '<pubDate>Mon, 09 May 2022 02:48:24 GMT</pubDate>',
     {'published': '2022-05-09T02:48:24Z'}),
    ('author', '<author>jo@example.org (Jo)</author>', {'author': 'Jo'}),
    ('category', '<category>Cat</category>', {'categories': ['Cat']}),
    ('enclosure', '<enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="5"/>',
     {'enclosures': [{'url': 'https://example.org/a.mp3', 'type': 'audio/mpeg', 'length': 5}]}),
]
for name, inner, expected in RDF_RSS2:
    case('rss-1.0-with-rss-2.0-%s' % name,
         RDF_HEAD + '<item rdf:about="https://example.org/1"><title>T</title>'
         '<link>https://example.org/1</link>%s</item></rdf:RDF>\n' % inner,
         dict(FEED, subtitle='About'),
         [dict({'id': 'https://example.org/1', 'title': 'T', 'link': 'https://example.org/1'},
               **expected)])

# -------------------------------------------------------------------- CDF
CDF_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'
case('cdf-channel-with-items',
     CDF_DECL + '<CHANNEL HREF="https://example.org/" LASTMOD="2022-05-09T02:48:24">'
     '<TITLE>Example</TITLE><ABSTRACT>About</ABSTRACT>'
     '<ITEM HREF="https://example.org/1" LASTMOD="2022-05-09T02:48:24"><TITLE>One</TITLE>'
     '<ABSTRACT>Sum</ABSTRACT></ITEM><ITEM HREF="https://example.org/2"><TITLE>Two</TITLE>'
     '</ITEM></CHANNEL>\n',
     dict(FEED, subtitle='About', updated='2022-05-09T02:48:24Z'),
     [{'title': 'One', 'link': 'https://example.org/1', 'updated': '2022-05-09T02:48:24Z',
       'summary': 'Sum', 'content': 'Sum'}, {'title': 'Two', 'link': 'https://example.org/2'}])
case('cdf-lowercase-names',
     CDF_DECL + '<channel href="https://example.org/"><title>Example</title>'
     '<item href="https://example.org/1"><title>One</title></item></channel>\n',
     FEED, [{'title': 'One', 'link': 'https://example.org/1'}])
case('cdf-relative-item-href',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE>'
     '<ITEM HREF="posts/1"><TITLE>One</TITLE></ITEM></CHANNEL>\n',
     FEED, [{'title': 'One', 'link': 'https://example.org/posts/1'}])
case('cdf-nested-channel-items',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE>'
     '<ITEM HREF="https://example.org/1"><TITLE>One</TITLE></ITEM>'
     '<CHANNEL HREF="https://example.org/sub"><TITLE>Sub</TITLE>'
     '<ITEM HREF="https://example.org/2"><TITLE>Two</TITLE></ITEM></CHANNEL></CHANNEL>\n',
     FEED, [{'title': 'One', 'link': 'https://example.org/1'},
            {'title': 'Two', 'link': 'https://example.org/2'}])
case('cdf-lastmod-with-zone',
     CDF_DECL + '<CHANNEL HREF="https://example.org/" LASTMOD="2022-05-09T10:48:24+08:00">'
     '<TITLE>Example</TITLE></CHANNEL>\n', dict(FEED, updated='2022-05-09T02:48:24Z'))
case('cdf-unreadable-lastmod-warns',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE>'
     '<ITEM HREF="https://example.org/1" LASTMOD="sometime"><TITLE>One</TITLE></ITEM>'
     '</CHANNEL>\n', FEED, [{'title': 'One', 'link': 'https://example.org/1'}],
     warnings=['item 1: unreadable date "sometime"'])
case('cdf-abstract-with-entities',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Tom &amp; Jerry</TITLE>'
     '<ITEM HREF="https://example.org/1"><ABSTRACT>a &lt;b&gt;bold&lt;/b&gt;</ABSTRACT></ITEM>'
     '</CHANNEL>\n', dict(FEED, title='Tom & Jerry'),
     [{'link': 'https://example.org/1', 'summary': 'a <b>bold</b>', 'content': 'a <b>bold</b>'}])
case('cdf-empty-channel',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE></CHANNEL>\n', FEED)
case('cdf-without-declaration',
     '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE><ITEM HREF="https://example.org/1">'
     '<TITLE>One</TITLE></ITEM></CHANNEL>\n', FEED,
     [{'title': 'One', 'link': 'https://example.org/1'}])
case('cdf-logo-and-schedule-ignored',
     CDF_DECL + '<CHANNEL HREF="https://example.org/"><TITLE>Example</TITLE>'
     '<LOGO HREF="https://example.org/logo.gif" STYLE="IMAGE"/><SCHEDULE><INTERVALTIME DAY="1"/>'
     '</SCHEDULE><ITEM HREF="https://example.org/1"><TITLE>One</TITLE><USAGE VALUE="ScreenSaver"/>'
     '</ITEM></CHANNEL>\n', FEED, [{'title': 'One', 'link': 'https://example.org/1'}])

# ------------------------------------------------------ DOCTYPE before root
DOCTYPES = [
    ('xhtml-1.0-strict', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
     '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'),
    ('xhtml-1.0-transitional', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
     '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'),
    ('xhtml-1.1', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
     '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'),
    ('html5-lowercase', '<!doctype html>'),
]
DOCTYPE_WARNING = "HTML doctype before the feed's root element ignored"
for name, doctype in DOCTYPES:
    case('doctype-%s-before-rss' % name,
         '<?xml version="1.0"?>\n%s\n' % doctype + rss(item('<title>T</title>'), decl=''),
         FEED, [{'title': 'T'}], warnings=[DOCTYPE_WARNING])
    case('doctype-%s-before-atom' % name,
         '<?xml version="1.0"?>\n%s\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Example'
         '</title><link href="https://example.org/"/><entry><title>T</title></entry></feed>\n'
         % doctype, FEED, [{'title': 'T'}], warnings=[DOCTYPE_WARNING])
case('doctype-xhtml-before-rdf',
     '<?xml version="1.0"?>\n%s\n' % DOCTYPES[0][1] + RDF_HEAD +
     '<item rdf:about="https://example.org/1"><title>T</title></item></rdf:RDF>\n',
     dict(FEED, subtitle='About'), [{'id': 'https://example.org/1', 'title': 'T'}],
     warnings=[DOCTYPE_WARNING])
case('doctype-rss-without-declaration',
     '<!DOCTYPE rss SYSTEM "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
     + rss(item('<title>T</title>'), version='0.91', decl=''), FEED, [{'title': 'T'}])
case('doctype-xhtml-then-html-root-is-not-a-feed',
     '%s\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
     '<body>page</body></html>\n' % DOCTYPES[0][1],
     error='not_a_feed: this is an HTML page, not a feed, and it advertises no feed')
case('doctype-html5-then-body-is-not-a-feed', '<!DOCTYPE html>\n<body>page</body>\n',
     error='not_a_feed: this is an HTML page, not a feed, and it advertises no feed')

# -------------------------------------------------------------- encodings
W1252 = [('euro', 0x80, '\u20ac'), ('ellipsis', 0x85, '\u2026'), ('lsquo', 0x91, '\u2018'),
         ('rsquo', 0x92, '\u2019'), ('ldquo', 0x93, '\u201c'), ('rdquo', 0x94, '\u201d'),
         ('ndash', 0x96, '\u2013'), ('mdash', 0x97, '\u2014'), ('trade', 0x99, '\u2122')]
for label in ['iso-8859-1', 'us-ascii']:
    for name, byte, char in W1252:
        body = rss(item('<title>aXb</title>'),
                   decl='<?xml version="1.0" encoding="%s"?>\n' % label).encode('ascii')
        case('encoding-%s-label-byte-%02x-%s-is-windows-1252' % (label, byte, name),
             body.replace(b'aXb', b'a' + bytes([byte]) + b'b'), FEED, [{'title': 'a%sb' % char}])
case('encoding-us-ascii-http-charset-windows-1252-bytes',
     rss(item('<title>aXb</title>'), decl='<?xml version="1.0"?>\n').encode('ascii')
     .replace(b'aXb', b'\x93q\x94 5\x80'), FEED, [{'title': '\u201cq\u201d 5\u20ac'}],
     content_type='text/xml; charset=us-ascii')

# ----------------------------------------------------------- vocabularies
ITUNES = ' xmlns:itunes="%s"' % NS['itunes']
FEED_AUTHORS = [
    ('managingeditor-display-name', '<managingEditor>ed@example.org (Ed)</managingEditor>', 'Ed'),
    ('managingeditor-bare-email', '<managingEditor>ed@example.org</managingEditor>',
     'ed@example.org'),
    ('rss-author-element', '<author>Al</author>', 'Al'),
    ('dc-creator', '<dc:creator>Cy</dc:creator>', 'Cy'),
    ('dc-author', '<dc:author>Di</dc:author>', 'Di'),
    ('itunes-author', '<itunes:author>It</itunes:author>', 'It'),
    ('managingeditor-beats-itunes', '<itunes:author>It</itunes:author>'
     '<managingEditor>ed@example.org (Ed)</managingEditor>', 'Ed'),
    ('managingeditor-beats-dc-creator', '<dc:creator>Cy</dc:creator>'
     '<managingEditor>ed@example.org (Ed)</managingEditor>', 'Ed'),
    ('dc-creator-beats-itunes', '<itunes:author>It</itunes:author><dc:creator>Cy</dc:creator>',
     'Cy'),
    ('rss-author-beats-dc-creator', '<dc:creator>Cy</dc:creator><author>Al</author>', 'Al'),
]
for name, inner, expected in FEED_AUTHORS:
    case('vocab-feed-author-%s' % name, rss('', inner, ns=['dc', 'itunes']),
         dict(FEED, author=expected))
case('vocab-feed-webmaster-is-not-author',
     rss('', '<webMaster>web@example.org (Web)</webMaster>'), FEED)
FEED_DATES = [
    ('dcterms-modified', '<dcterms:modified>2022-05-09T02:48:24Z</dcterms:modified>',
     '2022-05-09T02:48:24Z'),
    ('dc-date', '<dc:date>2022-05-09T02:48:24Z</dc:date>', '2022-05-09T02:48:24Z'),
    ('lastbuilddate-beats-dc-date', '<dc:date>2022-05-09T02:48:24Z</dc:date>'
     '<lastBuildDate>Tue, 10 May 2022 02:48:24 GMT</lastBuildDate>', '2022-05-10T02:48:24Z'),
    ('dc-date-beats-pubdate', '<pubDate>Tue, 10 May 2022 02:48:24 GMT</pubDate>'
     '<dc:date>2022-05-09T02:48:24Z</dc:date>', '2022-05-09T02:48:24Z'),
    ('dcterms-modified-beats-dc-date', '<dc:date>2022-05-01T00:00:00Z</dc:date>'
     '<dcterms:modified>2022-05-09T02:48:24Z</dcterms:modified>', '2022-05-09T02:48:24Z'),
]
for name, inner, expected in FEED_DATES:
    case('vocab-feed-updated-%s' % name, rss('', inner, ns=['dc', 'dcterms']),
         dict(FEED, updated=expected))
CATEGORIES = [
    ('itunes-category', '<itunes:category text="Technology"/>', ['Technology']),
    ('itunes-category-nested', '<itunes:category text="Technology"><itunes:category '
     'text="Gadgets"/></itunes:category>', ['Technology', 'Gadgets']),
    ('itunes-category-two', '<itunes:category text="Arts"/><itunes:category text="News"/>',
     ['Arts', 'News']),
    ('itunes-category-entity', '<itunes:category text="Kids &amp; Family"/>', ['Kids & Family']),
    ('media-category', '<media:category>music/rock</media:category>', ['music/rock']),
    ('media-category-with-scheme', '<media:category scheme="http://example.org/s">Sport'
     '</media:category>', ['Sport']),
    ('media-category-in-group', '<media:group><media:category>Film</media:category>'
     '</media:group>', ['Film']),
    ('rss-and-itunes-categories', '<category>News</category><itunes:category text="Tech"/>',
     ['News', 'Tech']),
    ('duplicates-dropped', '<category>News</category><media:category>News</media:category>',
     ['News']),
]
for name, inner, expected in CATEGORIES:
    case('vocab-categories-%s' % name, rss(item('<title>T</title>' + inner),
                                           ns=['itunes', 'media']),
         FEED, [{'title': 'T', 'categories': expected}])
ATOM_CATS = [
    ('term-not-label', '<category term="tech" label="Technology"/>', ['tech']),
    ('label-without-term-is-none', '<category label="Only Label"/>', None),
    ('term-with-scheme', '<category scheme="http://example.org/tags" term="x"/>', ['x']),
    ('two-terms', '<category term="a"/><category term="b" label="B"/>', ['a', 'b']),
]
for name, inner, expected in ATOM_CATS:
    case('vocab-atom-category-%s' % name, g.atom(g.entry('<title>T</title>' + inner)), FEED,
         [dict({'title': 'T'}, **({'categories': expected} if expected else {}))])
MEDIA = [
    ('media-title-when-no-title', '<media:title>MT</media:title>', {'title': 'MT'}),
    ('title-beats-media-title', '<title>T</title><media:title>MT</media:title>', {'title': 'T'}),
    ('media-group-title', '<media:group><media:title>GT</media:title></media:group>',
     {'title': 'GT'}),
    ('media-description-when-no-description', '<media:description>MD</media:description>',
     {'summary': 'MD', 'content': 'MD'}),
    ('description-beats-media-description', '<description>D</description>'
     '<media:description>MD</media:description>', {'summary': 'D', 'content': 'D'}),
    ('media-group-description', '<media:group><media:description>GD</media:description>'
     '</media:group>', {'summary': 'GD', 'content': 'GD'}),
    ('media-group-title-and-description', '<media:group><media:title>GT</media:title>'
     '<media:description>GD</media:description></media:group>',
     {'title': 'GT', 'summary': 'GD', 'content': 'GD'}),
]
for name, inner, expected in MEDIA:
    case('vocab-%s' % name, rss(item(inner), ns=['media']), FEED, [expected])
XHTML = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"'
CONTENT = [
    ('content-encoded-beats-description', '<description>D</description>'
     '<content:encoded><![CDATA[<p>C</p>]]></content:encoded>', {'summary': 'D', 'content': '<p>C</p>'}),
    ('content-encoded-before-description', '<content:encoded><![CDATA[<p>C</p>]]>'
     '</content:encoded><description>D</description>', {'summary': 'D', 'content': '<p>C</p>'}),
    ('xhtml-body-first-is-content', '<xhtml:body><xhtml:p>X</xhtml:p></xhtml:body>'
     '<content:encoded>C</content:encoded>', {'content': '<xhtml:p>X</xhtml:p>'}),
    ('content-encoded-first-is-content', '<content:encoded>C</content:encoded>'
     '<xhtml:body><xhtml:p>X</xhtml:p></xhtml:body>', {'content': 'C'}),
    ('description-alone-is-content-too', '<description>D</description>',
     {'summary': 'D', 'content': 'D'}),
]
for name, inner, expected in CONTENT:
    case('vocab-%s' % name, rss(item(inner), ns=['content']).replace('<rss ', '<rss' + XHTML + ' ', 1),
         FEED, [expected])
LANGS = [('en_US', 'en-US'), ('en_GB', 'en-GB'), ('pt_BR', 'pt-BR'), ('zh_Hans_CN', 'zh-Hans-CN'),
         ('en-US', 'en-US'), ('fr', 'fr')]
for raw, expected in LANGS:
    case('vocab-atom-xml-lang-%s' % raw.lower().replace('_', '-underscore-'),
         g.atom('', root_attrs=' xml:lang="%s"' % raw), dict(FEED, language=expected))

# ------------------------------------------------------------------ dates
DATE_REPEATS = [
    ('rss-two-pubdates-first-wins', rss(item(
        '<title>T</title><pubDate>Mon, 09 May 2022 02:48:24 GMT</pubDate>'
        '<pubDate>Tue, 10 May 2022 02:48:24 GMT</pubDate>')),
     [{'title': 'T', 'published': '2022-05-09T02:48:24Z'}]),
    ('atom-two-updated-first-wins', g.atom(g.entry(
        '<title>T</title><updated>2022-05-09T00:00:00Z</updated>'
        '<updated>2022-05-10T00:00:00Z</updated>')),
     [{'title': 'T', 'updated': '2022-05-09T00:00:00Z'}]),
    ('atom-two-published-first-wins', g.atom(g.entry(
        '<title>T</title><published>2022-05-09T00:00:00Z</published>'
        '<published>2022-05-10T00:00:00Z</published>')),
     [{'title': 'T', 'published': '2022-05-09T00:00:00Z'}]),
    ('rss-dcterms-issued-is-published', rss(item(
        '<title>T</title><dcterms:issued>2022-05-09T00:00:00Z</dcterms:issued>'), ns=['dcterms']),
     [{'title': 'T', 'published': '2022-05-09T00:00:00Z'}]),
    ('rss-dcterms-modified-is-updated', rss(item(
        '<title>T</title><dcterms:modified>2022-05-09T00:00:00Z</dcterms:modified>'),
        ns=['dcterms']), [{'title': 'T', 'updated': '2022-05-09T00:00:00Z'}]),
    ('rss-pubdate-and-dcterms-modified', rss(item(
        '<title>T</title><pubDate>Mon, 09 May 2022 02:48:24 GMT</pubDate>'
        '<dcterms:modified>2022-05-10T00:00:00Z</dcterms:modified>'), ns=['dcterms']),
     [{'title': 'T', 'published': '2022-05-09T02:48:24Z', 'updated': '2022-05-10T00:00:00Z'}]),
    ('atom-published-and-updated', g.atom(g.entry(
        '<title>T</title><updated>2022-05-10T00:00:00Z</updated>'
        '<published>2022-05-09T00:00:00Z</published>')),
     [{'title': 'T', 'published': '2022-05-09T00:00:00Z', 'updated': '2022-05-10T00:00:00Z'}]),
    ('atom-feed-two-updated-first-wins', g.atom('', '<updated>2022-05-09T00:00:00Z</updated>'
                                                '<updated>2022-05-10T00:00:00Z</updated>'), []),
]
for name, body, items in DATE_REPEATS:
    feed = dict(FEED, updated='2022-05-09T00:00:00Z') if name.startswith('atom-feed') else FEED
    case('date-' + name, body, feed, items)


if __name__ == '__main__':
    g.main()
