export { FleetKubernetesAuthProviders } from './FleetKubernetesAuthProviders';
