import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';

/**
 * The Kubernetes plugin's own auth strategies, by `authProvider` name. The plugin uses its
 * built-in map only while no module adds a strategy; once this module adds `kamaji`, the
 * clusters an app configures itself (`serviceAccount`, `google`, `oidc`, …) would find no
 * strategy ("authProvider … has no config associated with it"), so the module adds them back.
 */
export function builtInAuthStrategies(options: {
  config: Config;
  logger: LoggerService;
}): Map<string, AuthenticationStrategy> {
  const { config, logger } = options;
  return new Map<string, AuthenticationStrategy>([
    ['aks', new AksStrategy()],
    ['aws', new AwsIamStrategy({ config })],
    ['azure', new AzureIdentityStrategy(logger)],
    ['google', new GoogleStrategy()],
    ['googleServiceAccount', new GoogleServiceAccountStrategy({ config })],
    ['localKubectlProxy', new AnonymousStrategy()],
    ['oidc', new OidcStrategy()],
    ['serviceAccount', new ServiceAccountStrategy()],
  ]);
}
