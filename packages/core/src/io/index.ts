// Public API of camtl's file I/O: the FileSystem/ByteSource interfaces,
// safetensors reading/writing and HuggingFace checkpoint directories.
export * from './fs';
export {
  MAX_HEADER_BYTES,
  readSafetensors,
  serializeSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsFile,
  type SafetensorsTensor,
  type SerializeOptions,
} from './safetensors';
export {
  CONFIG_FILE,
  SAFETENSORS_FILE,
  SAFETENSORS_INDEX_FILE,
  conversionHint,
  loadHfCheckpoint,
  saveHfCheckpoint,
  type HfCheckpoint,
  type HfTensor,
} from './checkpoint';
export {
  DEFAULT_IGNORED,
  describeMatch,
  matchParameters,
  summarizeNames,
  type MatchOptions,
  type ParameterMatch,
} from './match';
