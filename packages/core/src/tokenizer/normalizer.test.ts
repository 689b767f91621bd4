import { describe, expect, it } from 'vitest';
import {
  bertNormalize,
  cleanText,
  DEFAULT_BERT_NORMALIZER,
  lowercasePerCodePoint,
  padChineseChars,
  stripAccents,
} from './normalizer';
import { bertPreTokenize, isBertPunctuation } from './pretokenizer';
import { WordPiece, decodeWordPiece } from './wordpiece';

describe('BertNormalizer', () => {
  it('clean_text drops NUL, U+FFFD, Cc/Cf/Co and maps \\t \\n \\r and Unicode spaces to " "', () => {
    expect(cleanText('a\u0000b\uFFFDc\u0007d\u001Be\u200Bf\u00ADg\u200Dh\uE000i')).toBe('abcdefghi');
    expect(cleanText('a\tb\nc\rd\u00A0e\u3000f\u2028g')).toBe('a b c d e f g');
    // VT, FF and NEL are whitespace but also Cc, and HF removes controls first.
    expect(cleanText('a\u000Bb\u000Cc\u0085d')).toBe('abcd');
  });

  it('pads the BERT CJK ideograph ranges (Rust bounds) and nothing else', () => {
    expect(padChineseChars('abc中文def')).toBe('abc 中  文 def');
    expect(padChineseChars('\u{20000}\u{2B920}\u{F900}')).toBe(' \u{20000}  \u{2B920}  \u{F900} ');
    // Kana, Hangul and HF's gap at the start of Extension E are left alone.
    expect(padChineseChars('ひらがな한국\u{2B820}')).toBe('ひらがな한국\u{2B820}');
  });

  it('strip_accents: NFD then drop Mn only', () => {
    expect(stripAccents('café naïve Ångström')).toBe('cafe naive Angstrom');
    expect(stripAccents('cafe\u0301')).toBe('cafe');
    expect(stripAccents('です')).toBe('てす');
    expect(stripAccents('한')).toBe('\u1112\u1161\u11AB');
  });

  it('lowercases per code point: Σ is always σ (no final ς)', () => {
    expect(lowercasePerCodePoint('ΣΟΦΟΣ σοφός')).toBe('σοφοσ σοφός');
    expect(lowercasePerCodePoint('ΟΔΟΣ.')).toBe('οδοσ.');
    expect(lowercasePerCodePoint('HeLLo İ')).toBe('hello i\u0307');
  });

  it('strip_accents null follows lowercase (HF)', () => {
    const cased = { ...DEFAULT_BERT_NORMALIZER, lowercase: false };
    expect(bertNormalize('Café', DEFAULT_BERT_NORMALIZER)).toBe('cafe');
    expect(bertNormalize('Café', cased)).toBe('Café');
    expect(bertNormalize('Café', { ...cased, stripAccents: true })).toBe('Cafe');
    expect(bertNormalize('Café', { ...DEFAULT_BERT_NORMALIZER, stripAccents: false })).toBe('café');
  });

  it('runs clean_text, chinese chars, strip_accents, lowercase in the Rust order', () => {
    expect(bertNormalize('ΣΟΦΟΣ\t東京です\u200B!', DEFAULT_BERT_NORMALIZER)).toBe('σοφοσ  東  京 てす!');
    const off = { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false };
    expect(bertNormalize('A\u0000東', off)).toBe('A\u0000東');
  });
});

describe('BertPreTokenizer', () => {
  it('splits on whitespace and isolates each punctuation character', () => {
    expect(bertPreTokenize("don't stop... 5$ a^b `x` €4 — ok")).toEqual([
      'don',
      "'",
      't',
      'stop',
      '.',
      '.',
      '.',
      '5',
      '$',
      'a',
      '^',
      'b',
      '`',
      'x',
      '`',
      '€4',
      '—',
      'ok',
    ]);
    expect(bertPreTokenize('  \u00A0 ')).toEqual([]);
    expect(bertPreTokenize('“smart”')).toEqual(['“', 'smart', '”']);
  });

  it("uses BERT's punctuation: ASCII 33–47, 58–64, 91–96, 123–126 plus Unicode P*", () => {
    for (let c = 33; c < 127; c++) {
      const ch = String.fromCharCode(c);
      expect(isBertPunctuation(ch), ch).toBe(!/[0-9A-Za-z]/.test(ch));
    }
    expect(isBertPunctuation('¿')).toBe(true);
    expect(isBertPunctuation('€')).toBe(false);
    expect(isBertPunctuation('²')).toBe(false);
  });
});

describe('WordPiece', () => {
  const vocab = new Map(['[UNK]', 'un', '##aff', '##able', 'a', '##a', '😀'].map((t, i) => [t, i]));
  const wp = new WordPiece(vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 5 });

  it('takes the longest piece first, by code points', () => {
    expect(wp.tokenize('unaffable').map((t) => t.value)).toEqual(['[UNK]']); // 9 chars > 5
    const wide = new WordPiece(vocab, { ...wp.options, maxInputCharsPerWord: 100 });
    expect(wide.tokenize('unaffable').map((t) => t.value)).toEqual(['un', '##aff', '##able']);
    expect(wp.tokenize('aaa').map((t) => t.id)).toEqual([4, 5, 5]);
    expect(wp.tokenize('😀').map((t) => t.value)).toEqual(['😀']);
  });

  it('a word that cannot be covered is one [UNK]', () => {
    expect(wp.tokenize('unx')).toEqual([{ id: 0, value: '[UNK]' }]);
  });

  it('counts max_input_chars_per_word in code points, not UTF-16 units', () => {
    expect(wp.tokenize('aaaaa')).toHaveLength(5);
    expect(wp.tokenize('😀😀😀😀😀')).toEqual([{ id: 0, value: '[UNK]' }]); // no ##😀
    expect(wp.tokenize('aaaaaa')).toEqual([{ id: 0, value: '[UNK]' }]);
  });

  it('refuses a vocabulary without its unknown token', () => {
    expect(() => new WordPiece(new Map([['a', 0]]), wp.options)).toThrow(/\[UNK\]/);
  });

  it('decoder joins ##pieces and cleans up per token, as HF', () => {
    const opts = { prefix: '##', cleanup: true };
    expect(decodeWordPiece(['he', '##ll', '##o', ',', 'world', '!'], opts)).toBe('hello, world!');
    expect(decodeWordPiece(['##x', 'it', "'", 's'], opts)).toBe("##x it ' s");
    expect(decodeWordPiece(['a', '.', '?'], { prefix: '##', cleanup: false })).toBe('a . ?');
  });
});
