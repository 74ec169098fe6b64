import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
// Scaffolder actions kamaji:* (tenant clusters, islands, addon sets); uses the kamaji fleet service.
backend.add(
  import('@kamaji-backstage/plugin-scaffolder-backend-module-kamaji'),
);

backend.add(import('@backstage/plugin-kubernetes-backend'));

// The fleet service and the kamaji plugin (REST API, live updates, day-2 actions) at /api/kamaji.
backend.add(import('@kamaji-backstage/plugin-kamaji-backend'));
// Fleet clusters as catalog Resource entities (kind Resource, spec.type kubernetes-cluster).
backend.add(import('@kamaji-backstage/plugin-catalog-backend-module-kamaji'));
// Fleet tenant clusters and islands in the Kubernetes plugin (auth provider 'kamaji', credentials stay in the backend).
backend.add(
  import('@kamaji-backstage/plugin-kubernetes-backend-module-kamaji'),
);

// Search over the catalog; each user finds only the entities catalog.entity.read lets them read.
// On PostgreSQL the index lives in the database, shared by the replicas (the indexing task runs on
// one of them); on SQLite it is Lunr's, in memory.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));

backend.add(import('@backstage/plugin-permission-backend'));
// Application teams see and change only their own clusters, in every plugin; the platform team everything.
backend.add(
  import('@kamaji-backstage/plugin-permission-backend-module-kamaji'),
);

backend.start();
