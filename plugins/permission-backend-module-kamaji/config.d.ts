export interface Config {
  /** The permission policy of plugin-permission-backend-module-kamaji. */
  permissionPolicy?: {
    /**
     * Groups whose members may do everything (entity refs, e.g. `group:default/platform-team`;
     * matched without regard to case). Default: none.
     */
    platformGroups?: string[];
    /**
     * Groups whose members may read the whole fleet, in the fleet API and the catalog (an
     * operations or security team), and otherwise hold a team's permissions. Default: none.
     */
    fleetReaderGroups?: string[];
  };
}
