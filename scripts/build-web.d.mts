/** Builds each web app whose sources changed since its last build; false when a build failed. */
export function buildStaleWebApps(): boolean;
