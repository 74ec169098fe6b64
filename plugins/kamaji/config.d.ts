export interface Config {
  kamaji?: {
    /**
     * The settings of the Kamaji scaffolder actions (plugin-scaffolder-backend-module-kamaji
     * declares them all) that the template form's pickers read in the browser, so that they offer
     * what the actions accept.
     */
    scaffolder?: {
      /** Supported Kubernetes versions for new clusters, as minor versions ('v1.31'). */
      kubernetesVersions?: {
        /** @visibility frontend */
        min?: string;
        /** @visibility frontend */
        max?: string;
      };
      /**
       * Catalog groups whose members may name any group as the owner of a new cluster.
       * @visibility frontend
       */
      fleetAdminGroups?: string[];
    };
  };
}
