import fc from 'fast-check';
import { classifyContent, classFromName } from '@1tt/preprocessing';

describe('content classifier', () => {
  it('name first: source extensions, markdown, man page names', () => {
    expect(classFromName('src/main.rs')).toBe('code');
    expect(classFromName('docs/README.md')).toBe('markdown');
    expect(classFromName('notes.markdown')).toBe('markdown');
    expect(classFromName('ls.1.txt')).toBe('reference');
    expect(classFromName('notes.txt')).toBeNull();
    expect(classifyContent('just some words here', 'x.py')).toBe('code');
  });

  it('then cheap features', () => {
    expect(classifyContent('#!/bin/sh\necho hi\n')).toBe('code');
    expect(classifyContent('function f() {\n  return 1;\n}\nconst x = f();\n')).toBe('code');
    expect(classifyContent('# Title\n\nSome text with a [link](http://x.org).\n\n- item one\n- item two\n')).toBe('markdown');
    expect(
      classifyContent(
        'LS(1)\n\nNAME\n       ls - list directory contents\n\nSYNOPSIS\n       ls [OPTION]... [FILE]...\n\nDESCRIPTION\n       List information.\n',
      ),
    ).toBe('reference');
    expect(classifyContent('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n')).toBe(
      'reference',
    );
    expect(classifyContent('It was a bright cold day in April, and the clocks were striking thirteen.')).toBe('prose');
  });

  it('is deterministic (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (text, name) => {
        expect(classifyContent(text, name)).toBe(classifyContent(text, name));
      }),
    );
  });
});
