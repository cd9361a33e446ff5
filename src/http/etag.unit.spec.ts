import type { Request } from 'express';
import { ValidationError } from '@1tt/domain-errors';
import { contentEtag, expectedRevisionFromIfMatch, ifNoneMatchHits, revisionEtag } from './etag';

describe('ETag helpers', () => {
  it('turns If-Match into an expected revision', () => {
    expect(expectedRevisionFromIfMatch(undefined)).toBeUndefined();
    expect(expectedRevisionFromIfMatch('"7"')).toBe(7);
    expect(expectedRevisionFromIfMatch('W/"12"')).toBe(12);
    expect(expectedRevisionFromIfMatch('*')).toBe('exists');
  });

  it.each(['7', '"a"', '"1", "2"', '"-1"'])('refuses If-Match %s with a ValidationError on the header', (h) => {
    expect(() => expectedRevisionFromIfMatch(h)).toThrow(ValidationError);
  });

  it('round-trips revisionEtag through If-Match', () => {
    expect(expectedRevisionFromIfMatch(revisionEtag(42))).toBe(42);
  });

  it('content ETags depend on content, not key order', () => {
    expect(contentEtag({ a: 1, b: 2 })).toBe(contentEtag({ b: 2, a: 1 }));
    expect(contentEtag({ a: 1 })).not.toBe(contentEtag({ a: 2 }));
  });

  it('matches If-None-Match', () => {
    const req = (h?: string): Request => ({ headers: h === undefined ? {} : { 'if-none-match': h } }) as Request;
    expect(ifNoneMatchHits(req('"3", W/"5"'), '"5"')).toBe(true);
    expect(ifNoneMatchHits(req('"3"'), '"5"')).toBe(false);
    expect(ifNoneMatchHits(req(), '"5"')).toBe(false);
  });
});
