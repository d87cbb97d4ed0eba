import { GGUF_TOKEN_TYPES } from './gguf-format.js';

/** SentencePiece marks a word start with this character instead of a space. */
const WORD_START = '\u2581';

const CONTROL_PIECES = ['<unk>', '<s>', '</s>'] as const;
const CHAT_PIECES = ['<|im_start|>', '<|im_end|>'] as const;

const LETTERS = Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const PUNCTUATION = ['.', ',', '!', '?', ';', ':', "'", '"', '-', '(', ')', '\n'];

/** A few non-ASCII pieces, so that answers carry multi-byte characters too. */
const WIDE_PIECES = ['é', 'ü', 'ñ', '—', '…', '日', '本', '語', '🙂', '▁café', '▁naïve'];

const WORDS = (
  'the of and to in is was it for on that with as by at be this from or have an not are ' +
  'but they his her which one you all were we there been has more when will would who so ' +
  'no if out up what about into than them can only other new some could time these two may ' +
  'first then do any like my now over such our man me even most made after also did many ' +
  'before must through back years where much your way well down should because each just ' +
  'those people how too little state good very make world still own see men work long get ' +
  'here between both life being under never day same another know while last might us ' +
  'great old year off come since against go came right used take three moat model river ' +
  'stone light quiet garden window paper music water'
).split(' ');

const SUFFIXES = ['ing', 'ed', 'er', 'ly', 's', 'es', 'tion'];

export interface DemoVocabulary {
  pieces: string[];
  scores: number[];
  tokenTypes: number[];
  bosTokenId: number;
  eosTokenId: number;
  unknownTokenId: number;
  chatEndTokenId: number;
  /** Whole words, letters and punctuation; the model is steered towards these. */
  printableTokenIds: number[];
  /** Letters and word beginnings, there so that any word can be spelled; printable too. */
  fragmentTokenIds: number[];
}

function byteToken(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/**
 * Every prefix of a word start, longest last. llama.cpp's SentencePiece tokenizer grows a
 * token by merging neighbours only when the merged text is itself a piece, so a word is
 * reachable only through pieces for its prefixes.
 */
function wordPieces(word: string): string[] {
  const withMark = WORD_START + word;
  const prefixes: string[] = [];
  for (let length = 2; length <= withMark.length; length++) {
    prefixes.push(withMark.slice(0, length));
  }
  return prefixes;
}

function ordinaryPieces(): string[] {
  const pieces = [
    WORD_START,
    ...LETTERS,
    ...PUNCTUATION,
    ...WIDE_PIECES,
    ...SUFFIXES,
    ...WORDS.flatMap(wordPieces),
  ];
  return [...new Set(pieces)];
}

/**
 * A byte-fallback SentencePiece vocabulary: control pieces, the 256 byte pieces that let any
 * UTF-8 text be tokenized and restored exactly, the ChatML markers and ordinary pieces.
 */
export function buildDemoVocabulary(): DemoVocabulary {
  const { pieces, tokenTypes, firstOrdinaryId } = listPieces();

  // Higher scores merge first; longer pieces win so that whole words form when they can.
  const scores = pieces.map((piece, id) =>
    id < firstOrdinaryId ? 0 : Array.from(piece).length - id / 1e4,
  );
  const wholePieces = new Set(WORDS.map((word) => WORD_START + word));
  const ordinaryIds = pieces.map((_, id) => id).filter((id) => id >= firstOrdinaryId);
  const isFragment = (id: number): boolean => {
    const piece = pieces[id] ?? '';
    if (piece.length === 1) return LETTERS.includes(piece);
    return piece.startsWith(WORD_START) && !wholePieces.has(piece);
  };
  return {
    pieces,
    scores,
    tokenTypes,
    bosTokenId: 1,
    eosTokenId: 2,
    unknownTokenId: 0,
    chatEndTokenId: pieces.indexOf('<|im_end|>'),
    printableTokenIds: ordinaryIds.filter((id) => !isFragment(id)),
    fragmentTokenIds: ordinaryIds.filter(isFragment),
  };
}

/** Every piece in id order: control tokens, the 256 byte tokens, chat markers, then words. */
function listPieces(): { pieces: string[]; tokenTypes: number[]; firstOrdinaryId: number } {
  const pieces: string[] = [...CONTROL_PIECES];
  const tokenTypes: number[] = [
    GGUF_TOKEN_TYPES.unknown,
    GGUF_TOKEN_TYPES.control,
    GGUF_TOKEN_TYPES.control,
  ];

  for (let byte = 0; byte < 256; byte++) {
    pieces.push(byteToken(byte));
    tokenTypes.push(GGUF_TOKEN_TYPES.byte);
  }
  for (const piece of CHAT_PIECES) {
    pieces.push(piece);
    tokenTypes.push(GGUF_TOKEN_TYPES.control);
  }

  const firstOrdinaryId = pieces.length;
  for (const piece of ordinaryPieces()) {
    pieces.push(piece);
    tokenTypes.push(GGUF_TOKEN_TYPES.normal);
  }
  return { pieces, tokenTypes, firstOrdinaryId };
}
