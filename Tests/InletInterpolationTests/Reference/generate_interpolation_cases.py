#!/usr/bin/env python3
"""Runs every case below through the Airbyte CDK's own interpolation (airbyte-cdk 7.39.1) and writes
the expected results to interpolation_cases.json, which Inlet's tests compare against.

Run under a frozen clock, as the conformance harness does:
    TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "2024-06-01 00:00:00.5" \
        ~/.cache/inlet-conformance/venv/bin/python generate_interpolation_cases.py
"""
import json
import math
import sys
from pathlib import Path

from airbyte_cdk.sources.declarative.interpolation.interpolated_boolean import InterpolatedBoolean
from airbyte_cdk.sources.declarative.interpolation.interpolated_mapping import InterpolatedMapping
from airbyte_cdk.sources.declarative.interpolation.interpolated_nested_mapping import InterpolatedNestedMapping
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.datetime.datetime_parser import DatetimeParser

CONFIG = {
    "api_key": "key-123",
    "start_date": "2024-01-15T10:20:30Z",
    "start_day": "2024-01-15",
    "page_size": 25,
    "ratio": 0.5,
    "region": "eu",
    "enabled": True,
    "disabled": False,
    "empty": "",
    "nothing": None,
    "lat": "45.5",
    "numeric_text": "42",
    "zip": "02134",
    "languages": ["en", "de", "fr"],
    "ids": [3, 1, 2],
    "credentials": {"auth_type": "oauth2.0", "client_id": "cid", "tenant_id": "t-1"},
    "items": [{"name": "b", "size": 2}, {"name": "a", "size": 5}, {"name": "B", "size": 1}],
    "query": "name = 'x' & y/z",
    "camel": "someCamelCaseName",
    "timestamp_value": 1700000000,
    "mixed_case": "Hello World",
}
RECORD = {
    "id": "123",
    "count": 7,
    "price": 19.99,
    "title": "  Fix the Parser  ",
    "tags": ["a", "b", "c"],
    "nested": {"k": "v", "n": 2, "deep": {"x": [1, 2, 3]}},
    "stats": {"opens": 10},
    "updated_at": "2024-05-31T23:59:59.123456+02:00",
    "created": "2024-05-01",
    "flag": True,
    "none_field": None,
    "epoch": 1717200000,
    "attributes": {"full_description": "desc"},
    "_links": {"next": "/page/2"},
}
RESPONSE = {"data": [{"id": 1}, {"id": 2}], "meta": {"next_page_url": "https://api/x?page=2", "total": 40}, "cursor": "abc",
            "links": {}, "has_more": True}
HEADERS = {"link": '<https://api/x?page=2>; rel="next"', "X-Total": "40"}
SLICE = {"start_time": "2024-05-01T00:00:00Z", "end_time": "2024-05-31T23:59:59Z", "id": 99, "parent_id": "p-1"}
TOKEN = {"next_page_token": "tok-2"}
PARAMETERS = {"name": "issues", "path": "/issues", "primary_key": "id"}

FULL = {"record": RECORD, "response": RESPONSE, "headers": HEADERS, "stream_slice": SLICE, "next_page_token": TOKEN}

STRING_CASES = [
    # literal_eval of rendered text
    "{{ 5 }}", "{{ '5' }}", "{{ 5.0 }}", "{{ -3 }}", "{{ 1e3 }}", "{{ 1.5e-7 }}", "{{ True }}", "{{ true }}", "{{ false }}",
    "{{ none }}", "{{ None }}", "{{ [1, 'a', None] }}", "{{ (1, 2) }}", "{{ (1,) }}", "{{ () }}", "{{ {'a': [1, 2]} }}",
    "{{ {'a': None, 1: 'one'} }}", "{{ 'x' }}", "{{ '007' }}", "{{ ' 42' }}", "{{ '42 ' }}", "{{ '1_000' }}", "{{ '0x1F' }}",
    "{{ '0o17' }}", "{{ '0b101' }}", "{{ '1e5' }}", "{{ '-5' }}", "{{ '+5' }}", "{{ '- 5' }}", "{{ '1+2' }}", "{{ '1+2j' }}",
    "{{ '2j' }}", "{{ '[1, 2,]' }}", "{{ '{\"a\": 1}' }}", "{{ 'True' }}", "{{ 'none' }}", "{{ 'NaN' }}", "{{ 'inf' }}",
    "{{ \"'quoted'\" }}", "{{ '\"double\"' }}", "{{ '\"a\" \"b\"' }}", "{{ '1.' }}", "{{ '.5' }}", "{{ '5.' }}", "{{ 'set()' }}",
    "{{ '{1, 2, 2}' }}", "{{ '(1)' }}", "{{ '[[1], {\"k\": (2, 3)}]' }}", "{{ '-True' }}", "{{ '00' }}", "{{ '1__0' }}",
    "{{ '\"\\\\u00e9\"' }}", "{{ 'b\"x\"' }}", "{{ 'r\"a\\\\nb\"' }}", "{{ '12345678901234567890123' }}", "{{ '3.14159265358979323846' }}",
    "hello", "123", "12.50", "  7", "[1,2]", "{'a':1}", "line one\n", "a\r\nb", "True", "None", "", "1 2",
    "{{ 2 ** 10 }}", "{{ 7 // 2 }}", "{{ -7 // 2 }}", "{{ 7 % 3 }}", "{{ -7 % 3 }}", "{{ 7 / 2 }}", "{{ 6 / 3 }}", "{{ 1 + 2.5 }}",
    "{{ 'a' + 'b' }}", "{{ 'ab' * 3 }}", "{{ [1] + [2] }}", "{{ 1 ~ 2 ~ 'x' }}", "{{ 3 - 5 }}", "{{ 0.1 + 0.2 }}", "{{ 10 / 4 * 2 }}",
    "{{ 2 ** -1 }}", "{{ (1 + 2) * 3 }}", "{{ -config['page_size'] }}", "{{ +5 }}", "{{ 1 / 0 }}", "{{ 1 + 'a' }}", "{{ 5 % 0 }}",
    "{{ 1 < 2 < 3 }}", "{{ 3 > 2 > 2 }}", "{{ 1 == 1.0 }}", "{{ 'a' < 'b' }}", "{{ [1, 2] < [1, 3] }}", "{{ 1 < 'a' }}",
    "{{ 'b' in 'abc' }}", "{{ 2 in [1, 2] }}", "{{ 'k' in {'k': 1} }}", "{{ 'z' not in 'abc' }}", "{{ 1 in 'abc' }}",
    "{{ 0 or 'fallback' }}", "{{ 1 and 2 }}", "{{ 0 and 2 }}", "{{ not 0 }}", "{{ none or [] }}", "{{ 'y' if 1 else 'n' }}",
    "{{ 'y' if 0 }}", "{{ 'y' if 0 else 'n' }}", "{{ -90.00 <= config['lat']|float <= 90.00 }}",
    # context
    "{{ config['api_key'] }}", "{{ config.api_key }}", "{{ config.page_size }}", "{{ config['ratio'] }}", "{{ config.enabled }}",
    "{{ config.nothing }}", "{{ config.empty }}", "{{ config.missing }}", "{{ config['missing']['x'] }}", "{{ config.missing.x }}",
    "{{ config.get('missing', 'd') }}", "{{ config.get('missing') }}", "{{ config.get('page_size', 10) }}", "{{ config['zip'] }}",
    "{{ config['numeric_text'] }}", "{{ config['languages'] }}", "{{ config['credentials'] }}", "{{ config['credentials']['tenant_id'] }}",
    "{{ config.credentials.client_id }}", "{{ config['end_date'] or today_utc() }}", "{{ config.items }}", "{{ config['items'] }}",
    "{{ config['languages'][0] }}", "{{ config['languages'][-1] }}", "{{ config['languages'][1:] }}", "{{ config['languages'][::-1] }}",
    "{{ config['languages'][5] }}", "{{ 'abcdef'[1:4] }}", "{{ 'abcdef'[-2:] }}", "{{ config['credentials'].keys() }}",
    "{{ config['credentials'].values() | list }}", "{{ config['credentials'].items() | list }}", "{{ config }}",
    "{{ record['id'] }}", "{{ record.count * 2 }}", "{{ record['price'] }}", "{{ record['nested']['deep']['x'][1] }}",
    "{{ record.nested.deep.x }}", "{{ record.get('stats', {}).get('opens') }}", "{{ record.get('stats', {}).get('clicks') }}",
    "{{ record.get('missing', {}).get('x') }}", "{{ record['none_field'] }}", "{{ record.none_field.x }}", "{{ record['none_field']['x'] }}",
    "{{ record['attributes']['full_description'] }}", "{{ record._links.next }}", "{{ record['tags'] }}", "{{ record.flag }}",
    "{{ response.data[0].id }}", "{{ response['meta']['next_page_url'] }}", "{{ response.get('links', {}).get('next', {}) }}",
    "{{ 'cursor' not in response }}", "{{ response.cursor }}", "{{ response.has_more }}", "{{ headers['link'] }}",
    "{{ 'next' not in headers['link'] }}", "{{ 'next' not in response['metadata'] }}", "{{ 'x' in response.missing }}",
    "{{ stream_slice.start_time }}", "{{ stream_slice['end_time'] }}",
    "{{ stream_interval.start_time }}", "{{ stream_partition.parent_id }}", "{{ stream_slice.id }}", "{{ next_page_token.next_page_token }}",
    "{{ next_page_token['next_page_token'] }}", "{{ parameters.name }}", "{{ parameters['path'] }}", "./schemas/{{ parameters['name'] }}.json",
    "/repos/{{ config['region'] }}/{{ stream_partition.id }}/issues", "Bearer {{ config['api_key'] }}", "{{ foo }}", "{{ stream_state.x }}",
    "{{ stream_slice }}", "{{ record }}",
    # tests
    "{{ config.missing is defined }}", "{{ config.api_key is defined }}", "{{ config.missing is undefined }}", "{{ config.nothing is none }}",
    "{{ config.api_key is string }}", "{{ config.page_size is number }}", "{{ config.ratio is float }}", "{{ config.page_size is integer }}",
    "{{ config.credentials is mapping }}", "{{ config.languages is sequence }}", "{{ config.languages is iterable }}",
    "{{ config.nothing is not none }}", "{{ 4 is even }}", "{{ 3 is odd }}", "{{ 9 is divisibleby 3 }}", "{{ 9 is divisibleby(4) }}",
    "{{ config.enabled is true }}", "{{ config.enabled is boolean }}", "{{ 'a' is in 'abc' }}", "{{ 2 is eq 2 }}", "{{ 3 is gt 2 }}",
    "{{ 'abc' is lower }}", "{{ now_utc is callable }}",
    # filters
    "{{ '42' | int }}", "{{ '4.7' | int }}", "{{ 'x' | int }}", "{{ 'x' | int(7) }}", "{{ 4.9 | int }}", "{{ '0x1F' | int(0, 16) }}",
    "{{ stream_slice['start_time'] | length }}", "{{ '2.5' | float }}", "{{ 'x' | float }}", "{{ 3 | float }}", "{{ config.languages | length }}",
    "{{ config.languages | join(',') }}", "{{ config.ids | join('-') }}", "{{ config.languages | first }}", "{{ config.languages | last }}",
    "{{ [] | first }}", "{{ config.languages | list }}", "{{ 'abc' | list }}", "{{ config.mixed_case | lower }}", "{{ config.mixed_case | upper }}",
    "{{ 'hello world' | title }}", "{{ 'hello World' | capitalize }}", "{{ record.title | trim }}", "{{ 'xxhixx' | trim('x') }}",
    "{{ 'a-b-c' | replace('-', '+') }}", "{{ 'a-b-c' | replace('-', '+', 1) }}", "{{ config.missing | default('d') }}",
    "{{ config.empty | default('d') }}", "{{ config.empty | default('d', true) }}", "{{ config.nothing | default('d') }}",
    "{{ config.missing | d('x') }}", "{{ config.ids | sum }}", "{{ config.ids | max }}", "{{ config.ids | min }}", "{{ config.ids | sort }}",
    "{{ config.ids | sort(reverse=true) }}", "{{ config.languages | reverse | list }}", "{{ 'abc' | reverse }}",
    "{{ ['a', 'A', 'b'] | unique | list }}", "{{ ['a', 'A', 'b'] | unique(case_sensitive=true) | list }}",
    "{{ config['items'] | map(attribute='name') | list }}", "{{ config['items'] | map(attribute='size') | sum }}",
    "{{ config['items'] | sum(attribute='size') }}", "{{ config['items'] | selectattr('size', 'gt', 1) | map(attribute='name') | list }}",
    "{{ config['items'] | rejectattr('size', 'gt', 1) | list }}", "{{ config.ids | select('odd') | list }}", "{{ config.ids | reject('odd') | list }}",
    "{{ config.languages | map('upper') | list }}", "{{ config['items'] | sort(attribute='name') | map(attribute='name') | join }}",
    "{{ config.credentials | tojson }}", "{{ {'b': 1, 'a': '<x>'} | tojson }}", "{{ config.credentials | string }}", "{{ 'x' | string }}",
    "{{ [1, 'é'] | string }}", "{{ 5 | string }}", "{{ config.api_key | hash }}", "{{ config.api_key | hash('sha256') }}",
    "{{ config.api_key | hash('sha1', 'salt') }}", "{{ config.api_key | base64encode }}", "{{ 'a2V5LTEyMw==' | base64decode }}",
    "{{ 'user:pass' | base64encode }}", "{{ 'order-12345' | regex_search('order-(\\\\d+)') }}", "{{ 'none here' | regex_search('(\\\\d+)') }}",
    "{{ 'a1b22c333' | regex_replace('\\\\d+', '#') }}", "{{ config.query | urlencode }}", "{{ {'a': 'b c', 'd': 1} | urlencode }}",
    "{{ 2.5 | round }}", "{{ 3.14159 | round(2) }}", "{{ 2.675 | round(2) }}", "{{ 3.7 | round(0, 'floor') }}", "{{ 3.2 | round(0, 'ceil') }}",
    "{{ 5 | round }}", "{{ -3 | abs }}", "{{ -2.5 | abs }}", "{{ config.credentials | items | list }}", "{{ config.credentials | dictsort }}",
    "{{ 'one two three' | wordcount }}", "{{ config.api_key | hmac('secret') }}", "{{ 'a b' | urlencode }}", "{{ 'x' | center(5) }}",
    "{{ config.languages | batch(2) | list }}", "{{ '%s-%d' | format('a', 3) }}", "{{ '<b>x</b>' | striptags }}", "{{ '<&>' | e }}",
    "{{ config.ids | map('string') | join(',') }}", "{{ config.page_size | string }}", "{{ 'x' | nosuchfilter }}",
    # methods
    "{{ 'a,b,c'.split(',') }}", "{{ 'a b  c'.split() }}", "{{ 'a,b,c'.split(',', 1) }}", "{{ 'a,b,c'.rsplit(',', 1) }}",
    "{{ '  x  '.strip() }}", "{{ 'xxhixx'.strip('x') }}", "{{ '  x'.lstrip() }}", "{{ 'x  '.rstrip() }}", "{{ 'abc'.replace('b', 'B') }}",
    "{{ 'abc'.startswith('a') }}", "{{ 'abc'.endswith(('x', 'c')) }}", "{{ ','.join(config['languages']) }}", "{{ '-'.join(['a', 'b']) }}",
    "{{ '{} and {}'.format('a', 'b') }}", "{{ '{0}{1}{0}'.format('a', 'b') }}", "{{ '{name}!'.format(name='x') }}",
    "{{ '{:05d}'.format(42) }}", "{{ '{:.2f}'.format(3.14159) }}", "{{ 'abc'.upper() }}", "{{ 'ABC'.lower() }}", "{{ 'abcb'.find('b') }}",
    "{{ 'abc'.find('z') }}", "{{ '42'.zfill(5) }}", "{{ 'hello world'.title() }}", "{{ 'hello'.capitalize() }}", "{{ '123'.isdigit() }}",
    "{{ 'abc'.count('b') }}", "{{ 'a=b'.partition('=') }}", "{{ config.languages.index('de') }}", "{{ 'x'.nosuchmethod() }}",
    "{{ '%s/%s' % ('a', 'b') }}", "{{ '%.2f' % 3.14159 }}", "{{ '%05d' % 42 }}",
    # macros
    "{{ now_utc() }}", "{{ now_utc().strftime('%Y-%m-%d') }}", "{{ now_utc().strftime('%Y-%m-%dT%H:%M:%SZ') }}", "{{ now_utc().isoformat() }}",
    "{{ now_utc().timestamp() }}", "{{ now_utc().year }}", "{{ now_utc().weekday() }}", "{{ now_utc().microsecond }}", "{{ today_utc() }}",
    "{{ today_utc().strftime('%d/%m/%Y') }}", "{{ today_with_timezone('Pacific/Tarawa') }}", "{{ today_with_timezone('America/Los_Angeles') }}",
    "{{ timestamp(1658505815.223235) }}", "{{ timestamp('2022-07-22T16:03:35Z') }}", "{{ timestamp('2022-07-22') }}", "{{ max(2, 3) }}",
    "{{ max([4, 9, 1]) }}", "{{ min(2, 3) }}", "{{ min('b', 'a') }}", "{{ max(1, 2.5) }}", "{{ day_delta(1) }}", "{{ day_delta(-2, '%Y-%m-%d') }}",
    "{{ duration('P1D') }}", "{{ duration('PT1H30M') }}", "{{ duration('P2W') }}", "{{ duration('P1M') }}", "{{ duration('P1Y2M3DT4H') }}",
    "{{ duration('PT0.5S') }}", "{{ duration('-P1D') }}", "{{ now_utc() - duration('P30D') }}", "{{ (now_utc() - duration('P30D')).strftime('%Y-%m-%dT%H:%M:%SZ') }}",
    "{{ now_utc() + duration('P1M') }}", "{{ now_utc() - duration('P1Y') }}", "{{ (now_utc() - duration('PT1H')).isoformat() }}",
    "{{ now_utc().isoformat('T', 'seconds') }}", "{{ now_utc().isoformat(timespec='milliseconds') }}",
    "{{ now_utc().isoformat(' ', 'hours') }}", "{{ now_utc().isoformat('T', 'minutes') }}", "{{ now_utc().isoformat('T', 'microseconds') }}",
    "{{ now_utc().isoformat('T', 'auto') }}", "{{ now_utc().isoformat('T', 'weeks') }}", "{{ now_utc().isoformat('TT') }}",
    "{{ str_to_datetime('2024-01-14T13:45:30Z').isoformat(timespec='microseconds') }}",
    "{{ str_to_datetime('2024-01-14T13:45:30.999999Z').isoformat(timespec='milliseconds') }}",
    "{{ str_to_datetime('2024-01-14T13:45:30Z').isoformat(sep='_', timespec='seconds') }}",
    "{{ duration('P1D').total_seconds() }}", "{{ duration('nonsense') }}", "{{ now_utc() - str_to_datetime('2024-05-01') }}",
    "{{ format_datetime('2024-01-15T10:00:00Z', '%Y/%m/%d') }}", "{{ format_datetime(1700000000, '%Y-%m-%d') }}",
    "{{ format_datetime('15/01/2024', '%Y-%m-%d', '%d/%m/%Y') }}", "{{ format_datetime(config.start_date, '%s') }}",
    "{{ format_datetime(config.start_date, '%ms') }}", "{{ format_datetime(record.updated_at, '%Y-%m-%dT%H:%M:%S.%_msZ') }}",
    "{{ format_datetime(config.start_date, '%s_as_float') }}", "{{ format_datetime(config.start_date, '%epoch_microseconds') }}",
    "{{ format_datetime(now_utc(), '%Y-%m-%d %H:%M:%S.%f') }}", "{{ format_datetime(record.created, '%Y%m%d') }}",
    "{{ format_datetime('2024-01-15 10:00', '%Y-%m-%dT%H:%M:%S%z') }}", "{{ str_to_datetime('2024-01-14') }}",
    "{{ str_to_datetime('2024-01-14T13:45:30+02:00') }}", "{{ str_to_datetime(record.updated_at).isoformat() }}",
    "{{ str_to_datetime('20240114') }}", "{{ str_to_datetime('2024-01') }}", "{{ str_to_datetime('2024-01-14 13:45') }}",
    "{{ str_to_datetime('2024-W03-2') }}", "{{ str_to_datetime('2024-015') }}", "{{ str_to_datetime('2024-01-14T24:00:00') }}",
    "{{ str_to_datetime('2024-01-14T13:45:30.123456789Z') }}", "{{ str_to_datetime('garbage') }}",
    "{{ sanitize_url('https://example.com/path?query=value & more') }}", "{{ camel_case_to_snake_case(config.camel) }}",
    "{{ camel_case_to_snake_case('HTTPServerError') }}", "{{ now_utc() > str_to_datetime('2024-01-01') }}",
    "{{ str_to_datetime(config.start_date).strftime('%a %A %b %B %c %d %e %H %I %j %m %M %p %S %U %w %W %x %X %y %Y %z %Z %%') }}",
    "{{ str_to_datetime('2024-12-30T05:06:07Z').strftime('%G-W%V-%u %g %C %D %F %T %R %r %k %l %-d %-m %_d %^a') }}",
    "{{ str_to_datetime('2024-01-01T00:00:00Z').strftime('%U %W %V %G') }}", "{{ str_to_datetime('2021-01-03T00:00:00Z').strftime('%U %W %V %G %j') }}",
    "{{ record.updated_at | replace('T', ' ') }}", "{{ (str_to_datetime(stream_slice.end_time) - str_to_datetime(stream_slice.start_time)).days }}",
    # statements
    "{% if config.enabled %}on{% else %}off{% endif %}", "{% if config.disabled %}on{% elif config.region == 'eu' %}eu{% else %}x{% endif %}",
    "{% for l in config.languages %}{{ l }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for l in config.languages %}{{ loop.index }}:{{ l }} {% endfor %}", "{% for k, v in config.credentials.items() %}{{ k }}={{ v }};{% endfor %}",
    "{% for i in config.ids if i > 1 %}{{ i }}{% endfor %}", "{% for x in [] %}x{% else %}empty{% endfor %}",
    "{% set x = 5 %}{{ x * 2 }}", "{% set a, b = [1, 2] %}{{ a + b }}", "{% set ns = namespace(total=0) %}{% for i in config.ids %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}",
    "{% set total = 0 %}{% for i in config.ids %}{% set total = total + i %}{% endfor %}{{ total }}",
    "{%- if true -%}  yes  {%- endif -%}", "  {{- 'a' -}}  ", "{# comment #}x", "{% raw %}{{ not evaluated }}{% endraw %}",
    "{% set greeting %}hi {{ config.region }}{% endset %}{{ greeting | upper }}", "{% with y = 3 %}{{ y }}{% endwith %}",
    "{{ dict(a=1, b=2) }}", "{{ {'a': 1}.get('a') }}", "{{ [1, 2, 3][1] }}", "{{ 'x' ~ none }}", "{{ 'abc' }}{{ 1 }}",
    "{% if config.lat|float > 0 %}{{ config.lat }}{% else %} WRONG{% endif %}", "{{ [x for x in y] }}", "{% break %}", "{{ 1 +",
    "{% if true %}unclosed", "{{ 'a' 'b' }}", "{{ range(3) }}", "{{ lipsum }}",
]

BOOLEAN_CASES = [
    "{{ True }}", "{{ False }}", "{{ 1 }}", "{{ 0 }}", "{{ '' }}", "{{ 'False' }}", "{{ 'false' }}", "{{ 'no' }}", "{{ [] }}", "{{ {} }}",
    "{{ none }}", "{{ config.missing }}", "{{ config.enabled }}", "{{ config.disabled }}", "{{ config.page_size > 10 }}",
    "{{ record.count == 7 }}", "{{ response.has_more }}", "{{ not response.has_more }}", "{{ 'cursor' in response }}", "{{ 0.0 }}",
    "{{ '0' }}", "{{ '0.0' }}", "{{ 'None' }}", "true", "false", "False", "", "{{ record.get('missing') is none }}",
    "{{ headers['link'] is defined }}", "{{ response.data | length < 2 }}", "{{ config['missing']['deep'] }}",
]

MAPPING_CASES = [
    {"page": "{{ next_page_token.next_page_token }}", "limit": "{{ config.page_size }}", "fixed": 5, "text": "100", "{{ 'dyn' }}_key": "v",
     "empty": "{{ config.missing }}", "list": "{{ config.languages }}", "flag": "{{ config.enabled }}", "zip": "{{ config.zip }}",
     "since": "{{ stream_slice.start_time }}", "none": "{{ none }}", "123": "x"},
]

NESTED_MAPPING_CASES = [
    {"query": {"filter": {"since": "{{ stream_slice.start_time }}", "missing": "{{ config.missing }}", "n": 3},
               "ids": ["{{ config.ids[0] }}", "{{ config.missing }}", 7], "name": "{{ parameters.name }}"}},
]

DATETIME_PARSE_CASES = [
    ("2024-01-15T10:20:30Z", "%Y-%m-%dT%H:%M:%SZ"), ("2024-01-15T10:20:30.123456+0200", "%Y-%m-%dT%H:%M:%S.%f%z"),
    ("2024-01-15T10:20:30+02:00", "%Y-%m-%dT%H:%M:%S%z"), ("2024-01-15T10:20:30Z", "%Y-%m-%dT%H:%M:%S%z"),
    ("2024-01-15", "%Y-%m-%d"), ("15/1/2024", "%d/%m/%Y"), ("1700000000", "%s"), ("1700000000.5", "%s_as_float"),
    ("1700000000123", "%ms"), ("1700000000123456", "%epoch_microseconds"), ("2024-01-15T10:20:30.123Z", "%Y-%m-%dT%H:%M:%S.%_msZ"),
    ("Jan 15 2024", "%b %d %Y"), ("monday, January 15, 2024", "%A, %B %d, %Y"), ("2024-01-15 10:20:30 PM", "%Y-%m-%d %I:%M:%S %p"),
    ("24-01-15", "%y-%m-%d"), ("70-01-15", "%y-%m-%d"), ("2024-015", "%Y-%j"), ("2024-01-15T10:20", "%Y-%m-%dT%H:%M:%S"),
    ("2024-01-15x", "%Y-%m-%d"), ("2024-02-30", "%Y-%m-%d"), ("20240115", "%Y%m%d"), ("2024-1-5", "%Y-%m-%d"),
    ("2024-01-15    10:20", "%Y-%m-%d %H:%M"), ("2024-01-15T10:20:30.5Z", "%Y-%m-%dT%H:%M:%S.%fZ"), ("1700000000", "%Y"),
]

DATETIME_FORMAT_CASES = [
    ("2024-01-15T10:20:30.123456Z", "%Y-%m-%dT%H:%M:%S.%fZ"), ("2024-01-15T10:20:30.123456Z", "%s"), ("2024-01-15T10:20:30.123456Z", "%ms"),
    ("2024-01-15T10:20:30.123456Z", "%s_as_float"), ("2024-01-15T10:20:30.123456Z", "%epoch_microseconds"),
    ("2024-01-15T10:20:30.123456Z", "%Y-%m-%dT%H:%M:%S.%_msZ"), ("2024-01-15T10:20:30Z", "%Y-%m-%d"), ("2024-01-15T10:20:30+05:30", "%Y-%m-%dT%H:%M:%S%z"),
    ("2024-01-15T10:20:30Z", "%d %b %Y %H:%M"),
]


def encode(value):
    if value is None:
        return {"t": "NoneType"}
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, (list, set)):
        return {"t": "list", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    return {"t": type(value).__name__, "v": str(value)}


def outcome(function):
    try:
        return encode(function())
    except Exception as error:  # the class of the exception is what matters
        return {"t": "error", "v": type(error).__name__, "message": str(error)[:200]}


def main() -> None:
    cases = []
    for template in STRING_CASES:
        interpolated = InterpolatedString.create(template, parameters=PARAMETERS)
        cases.append({"kind": "string", "template": template,
                      "expected": outcome(lambda: interpolated.eval(CONFIG, **FULL))})
    for condition in BOOLEAN_CASES:
        interpolated = InterpolatedBoolean(condition=condition, parameters=PARAMETERS)
        cases.append({"kind": "boolean", "template": condition,
                      "expected": outcome(lambda: interpolated.eval(CONFIG, **FULL))})
    for mapping in MAPPING_CASES:
        interpolated = InterpolatedMapping(mapping=mapping, parameters=PARAMETERS)
        cases.append({"kind": "mapping", "mapping": mapping, "expected": outcome(lambda: interpolated.eval(CONFIG, **FULL))})
    for mapping in NESTED_MAPPING_CASES:
        interpolated = InterpolatedNestedMapping(mapping=mapping, parameters=PARAMETERS)
        cases.append({"kind": "nested_mapping", "mapping": mapping, "expected": outcome(lambda: interpolated.eval(CONFIG, **FULL))})
    parser = DatetimeParser()
    for text, fmt in DATETIME_PARSE_CASES:
        cases.append({"kind": "datetime_parse", "text": text, "format": fmt,
                      "expected": outcome(lambda: parser.parse(text, fmt).isoformat())})
    for text, fmt in DATETIME_FORMAT_CASES:
        from dateutil import parser as dateutil_parser
        cases.append({"kind": "datetime_format", "text": text, "format": fmt,
                      "expected": outcome(lambda: parser.format(dateutil_parser.isoparse(text), fmt))})
    document = {"frozen_time": "2024-06-01T00:00:00.500000+00:00", "config": CONFIG, "context": FULL, "parameters": PARAMETERS,
                "cases": cases}
    out = Path(__file__).with_name("interpolation_cases.json")
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
