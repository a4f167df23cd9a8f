export { findSecrets, redactText, redactDeep, redactionMarker, maskSecret, type SecretFinding } from './detect'
export { SECRET_KINDS, type SecretKind } from './kinds'
export { shannonEntropy, looksRandom } from './entropy'
