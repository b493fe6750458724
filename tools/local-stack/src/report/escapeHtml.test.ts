import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escapeHtml.js';

function unescape(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('escapeHtml', () => {
  it('turns markup into text', () => {
    // Prepare
    const message = `<script>alert("pwned")</script> & 'more'`;

    // Act
    const escaped = escapeHtml(message);

    // Assess
    expect(escaped).toBe('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;more&#39;');
  });

  it('escapes an ampersand that already looks like an entity, so the text shows as written', () => {
    // Act
    const escaped = escapeHtml('&lt;');

    // Assess
    expect(escaped).toBe('&amp;lt;');
  });

  it('accepts non-strings', () => {
    // Act
    const escaped = escapeHtml(42);

    // Assess
    expect(escaped).toBe('42');
  });

  // Markup characters and entity look-alikes are rare among all code points: mix them in on purpose.
  const text = fc.string({
    unit: fc.oneof(
      fc.constantFrom('<', '>', '&', '"', "'", ';', '#', 'lt', 'amp'),
      fc.string({ unit: 'binary', maxLength: 1 }),
    ),
  });

  test.prop([text])('leaves no markup character and loses nothing', (text) => {
    // Act
    const escaped = escapeHtml(text);

    // Assess
    expect(escaped).not.toMatch(/[<>"']/);
    expect(escaped).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
    expect(unescape(escaped)).toBe(text);
  });
});
