/**
 * Name similarity for mapping suggestions: Vietnamese names compared without diacritics or case ("Chứng thực
 * bản sao" ≈ "chung thuc ban sao"), by the Dice coefficient of word bigrams-of-letters. Pure.
 */
import { stripVietnameseMarks } from '#platform/text.ts';

/** Lower case, diacritics removed (đ → d), punctuation to spaces, spaces collapsed. */
export function foldName(name: string): string {
  return stripVietnameseMarks(name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.split(' ')) {
    const padded = ` ${word} `;
    for (let i = 0; i < padded.length - 1; i++) {
      const gram = padded.slice(i, i + 2);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** 0 (nothing in common) … 1 (the same once folded). */
export function nameSimilarity(a: string, b: string): number {
  const fa = foldName(a);
  const fb = foldName(b);
  if (fa.length === 0 || fb.length === 0) return 0;
  if (fa === fb) return 1;
  const ga = bigrams(fa);
  const gb = bigrams(fb);
  let shared = 0;
  let total = 0;
  for (const count of ga.values()) total += count;
  for (const count of gb.values()) total += count;
  for (const [gram, count] of ga) shared += Math.min(count, gb.get(gram) ?? 0);
  return (2 * shared) / total;
}

/** Suggestions scoring at least this are shown. */
export const SUGGESTION_THRESHOLD = 0.5;

/** The best candidates for a name, best first (at most `limit`), scores rounded to 2 decimals. */
export function suggest<T extends { name: string }>(
  name: string,
  candidates: readonly T[],
  limit = 3,
): (T & { score: number })[] {
  return candidates
    .map((c) => ({ ...c, score: Math.round(nameSimilarity(name, c.name) * 100) / 100 }))
    .filter((c) => c.score >= SUGGESTION_THRESHOLD)
    .sort((x, y) => y.score - x.score)
    .slice(0, limit);
}
