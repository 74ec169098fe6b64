export interface Config {
  /** Settings of the example permission policy in packages/backend. */
  permissionPolicy?: {
    /** Group entity refs whose members may do everything, e.g. `group:default/platform-team`. */
    platformGroups?: string[];
  };
}
