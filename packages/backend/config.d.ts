export interface Config {
  /** Settings of the example permission policy in packages/backend. */
  permissionPolicy?: {
    /** Group entity refs whose members may do everything, e.g. `group:default/platform-team`. */
    platformGroups?: string[];
    /**
     * Group entity refs whose members may read the whole fleet (`kamaji.cluster.read` ALLOW),
     * e.g. an operations or security team; their other fleet permissions are those of an
     * application team.
     */
    fleetReaderGroups?: string[];
  };
}
