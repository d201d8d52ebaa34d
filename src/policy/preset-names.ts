/** The presets, by name: below the types that name them (presets.ts, which builds each one, reads the rules). */
export const PRESET_NAMES = ['pulumi-0.10', 'current'] as const;
/** What the `preset` input and the policy file's `preset` accept: a preset, or `auto` (each program's layout decides). */
export const PRESET_REQUESTS = [...PRESET_NAMES, 'auto'] as const;
