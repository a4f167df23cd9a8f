export { findSecrets, redactText, redactDeep, secretsIn, redactionMarker, maskSecret, type SecretFinding } from './detect'
export { SECRET_KINDS, DETECTOR_SIGNATURE, type SecretKind } from './kinds'
export { shannonEntropy } from './entropy'
