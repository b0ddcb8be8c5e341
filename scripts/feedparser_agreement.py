#!/usr/bin/python3
"""Compares `tributary parse --json` with feedparser, field by field.

For every <case>.xml in the given directories (default tests/data/feeds),
runs python3-feedparser (the oracle) and our binary over the same bytes and
the same feed URL and Content-Type, and counts, per parse --json field, the
cases where both agree. A field neither side gives is not counted. Titles,
subtitles, summaries and content compare as text (tags dropped, entities
decoded, white space collapsed): our titles are plain text by design, and
feedparser sanitises HTML where we keep it as given.

    scripts/feedparser_agreement.py [--bin build/daemon/tributary] [-v] [DIR...]

-v lists every disagreement. Fixtures whose expected output is an .error
(not a feed) count as one "error" field: agreement when feedparser found
no feed either (no version, no entries).
"""
import argparse
import calendar
import html
import json
import os
import re
import subprocess
import sys

import feedparser

FEED_URL = 'https://example.org/feed.xml'
TAG = re.compile(r'<[^>]*>')
SPACE = re.compile(r'\s+')


def text(value):
    if value is None:
        return ''
    return SPACE.sub(' ', html.unescape(TAG.sub(' ', value))).strip()


def when(struct):
    if not struct:
        return ''
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % tuple(struct[:6])


def person(d):
    # The display form, as we give it: the name, else the email.
    detail = get(d, 'author_detail') or {}
    return detail.get('name') or detail.get('email') or get(d, 'author') or ''


def get(d, key):
    # No FeedParserDict fall-backs (updated -> published...): what was set.
    return dict.get(d, key)


def oracle(path, content_type):
    headers = {'content-location': FEED_URL}
    if content_type:
        headers['content-type'] = content_type
    with open(path, 'rb') as f:
        data = f.read()
    try:
        d = feedparser.parse(data, response_headers=headers)
    except Exception:  # feedparser itself crashes on a few hostile inputs
        return None
    f = d.feed
    feed = {
        'title': text(get(f, 'title')),
        'link': get(f, 'link') or '',
        'id': (get(f, 'id') or '').strip(),
        'subtitle': text(get(f, 'subtitle')),
        'language': get(f, 'language') or '',
        'author': person(f),
        'updated': when(get(f, 'updated_parsed')),
        'generator': get(f, 'generator') or '',
    }
    items = []
    for e in d.entries:
        content = get(e, 'content')
        summary = text(get(e, 'summary'))
        items.append({
            'id': (get(e, 'id') or '').strip(),
            'title': text(get(e, 'title')),
            'link': get(e, 'link') or '',
            'author': person(e),
            'published': when(get(e, 'published_parsed')),
            'updated': when(get(e, 'updated_parsed')),
            'summary': summary,
            'content': text(content[0].get('value')) if content else summary,
            'categories': [t.get('term') for t in (get(e, 'tags') or []) if t.get('term')],
            'enclosures': [x.get('href') for x in (e.get('enclosures') or []) if x.get('href')],
        })
    # CDF has no version in feedparser: a title is enough to call it a feed.
    not_feed = not d.get('version') and not d.entries and not feed['title']
    return {'feed': feed, 'items': items, 'not_feed': not_feed}


def ours(binary, path, content_type):
    args = [binary, 'parse', '--json', '--url', FEED_URL]
    if content_type:
        args += ['--content-type', content_type]
    run = subprocess.run(args + [path], capture_output=True)
    if run.returncode != 0:
        return None
    j = json.loads(run.stdout)
    f = j['feed']
    feed = {k: f.get(k, '') for k in
            ['title', 'link', 'id', 'subtitle', 'language', 'author', 'updated', 'generator']}
    feed['title'] = text(feed['title'])
    feed['subtitle'] = text(feed['subtitle'])
    items = []
    for i in j['items']:
        items.append({
            'id': i.get('id', ''), 'title': text(i.get('title')), 'link': i.get('link', ''),
            'author': i.get('author', ''), 'published': i.get('published', ''),
            'updated': i.get('updated', ''), 'summary': text(i.get('summary')),
            'content': text(i.get('content')), 'categories': i.get('categories', []),
            'enclosures': [x.get('url') for x in i.get('enclosures', [])]})
    return {'feed': feed, 'items': items}


def compare(expected, actual, counts, misses, name):
    def count(field, a, b):
        if not a and not b:
            return
        total, agree = counts.get(field, (0, 0))
        ok = a == b
        counts[field] = (total + 1, agree + (1 if ok else 0))
        if not ok:
            misses.append('%s: %s: feedparser %r, ours %r' % (name, field, a, b))

    if expected is None:
        return  # not counted: the oracle has no answer
    if actual is None:
        count('error', 'not a feed' if expected['not_feed'] else 'feed', 'not a feed')
        return
    if expected['not_feed']:
        count('error', 'not a feed', 'feed')
        return
    for key, value in expected['feed'].items():
        count('feed.' + key, value, actual['feed'][key])
    count('items', len(expected['items']), len(actual['items']))
    for e, a in zip(expected['items'], actual['items']):
        for key, value in e.items():
            count('item.' + key, value, a[key])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--bin', default='build/daemon/tributary')
    parser.add_argument('-v', action='store_true')
    parser.add_argument('--prefix', default='', help='only fixtures whose name starts so')
    parser.add_argument('dirs', nargs='*', default=['tests/data/feeds'])
    args = parser.parse_args()
    counts, misses, cases = {}, [], 0
    for directory in args.dirs:
        for name in sorted(os.listdir(directory)):
            if not name.endswith('.xml') or not name.startswith(args.prefix):
                continue
            path = os.path.join(directory, name)
            stem = path[:-4]
            content_type = None
            if os.path.exists(stem + '.content-type'):
                with open(stem + '.content-type') as f:
                    content_type = f.read().strip()
            cases += 1
            compare(oracle(path, content_type), ours(args.bin, path, content_type), counts,
                    misses, name)
    total = sum(t for t, _ in counts.values())
    agree = sum(a for _, a in counts.values())
    for field in sorted(counts):
        t, a = counts[field]
        print('%-18s %5d/%-5d %6.1f%%' % (field, a, t, 100.0 * a / t))
    print('%d documents, %d field values: %d agree (%.1f%%)' %
          (cases, total, agree, 100.0 * agree / max(total, 1)))
    if args.v:
        print('\n'.join(misses))


if __name__ == '__main__':
    sys.exit(main())
