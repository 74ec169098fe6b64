export {
  KamajiKubernetesContent,
  type KamajiKubernetesContentProps,
} from './KamajiKubernetesContent';
