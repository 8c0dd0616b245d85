/** Comma- or newline-separated text → unique, trimmed, non-empty values (labels, capabilities, wiki paths). */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}
