import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import kamajiPlugin, {
  kamajiKubernetesAuthModule,
  kamajiKubernetesContentModule,
} from '@kamaji-backstage/plugin-kamaji/alpha';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    catalogGraphPlugin,
    scaffolderPlugin,
    kubernetesPlugin,
    orgPlugin,
    searchPlugin,
    userSettingsPlugin,
    kamajiPlugin,
    signInModule,
    kamajiKubernetesAuthModule,
    kamajiKubernetesContentModule,
  ],
});
