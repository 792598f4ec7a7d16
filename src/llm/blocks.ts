/**
 * Tagged blocks in prompt and reply text: `<tag>` … `</tag>` on their own lines. Prompts carry
 * their structured state in one (`network_state`, `agent_history`); replies are asked to answer
 * in one (`actions`, `scores`).
 */

export const BLOCKS = {
  networkState: 'network_state',
  agentHistory: 'agent_history',
  actions: 'actions',
  scores: 'scores',
} as const;

export function renderBlock(tag: string, body: string): string {
  return `<${tag}>\n${body.trim()}\n</${tag}>`;
}

/**
 * The body of the last complete `<tag>…</tag>` block in `text` (tags are matched
 * case-insensitively, attributes are not allowed), or undefined when there is none.
 */
export function extractBlock(text: string, tag: string): string | undefined {
  const lower = text.toLowerCase();
  const open = `<${tag.toLowerCase()}>`;
  const close = `</${tag.toLowerCase()}>`;
  const end = lower.lastIndexOf(close);
  if (end < 0) return undefined;
  const start = lower.lastIndexOf(open, end);
  if (start < 0) return undefined;
  return text.slice(start + open.length, end).trim();
}
