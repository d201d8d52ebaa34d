/** The presets, by name: below the types that name them (presets.ts, which builds each one, reads the rules). */
export const PRESET_NAMES = ['pulumi-0.10', 'current'] as const;
