/** The formats `aura machines` writes (a module of its own: the CLI reads it without the layout engine). */
export const MACHINE_FORMATS = ['mermaid', 'json', 'svg'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];
