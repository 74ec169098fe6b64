export const pluginId = 'kamaji';
