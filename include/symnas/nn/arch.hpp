// The architecture description of one candidate CNN (the seed-000 template family) and its
// training hyper-parameters: JSON (de)serialisation, validation with field-precise ArchError
// messages, and the translation of search::Params (docs/nn.md's canonical names) into an Arch.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/search/types.hpp"

namespace symnas::nn {

/// Non-linearity after every conv and hidden dense layer.
enum class Activation { kRelu, kElu, kSelu, kSwish };
/// Pooling at the end of a conv block: 2x2 window, stride 2 (kNone keeps the map size).
enum class PoolKind { kMax, kAvg, kNone };
/// Optimisers of seed 000 (plus RMSprop and SGD with momentum).
enum class OptimizerKind { kAdam, kAdamax, kAdagrad, kAdadelta, kRmsprop, kSgd };

const char* ActivationName(Activation a);
const char* PoolKindName(PoolKind p);
const char* OptimizerName(OptimizerKind o);
/// Name -> enum; an unknown name throws ArchError naming `field` and listing the valid names.
Activation ActivationFromName(const std::string& name, const std::string& field);
PoolKind PoolKindFromName(const std::string& name, const std::string& field);
OptimizerKind OptimizerFromName(const std::string& name, const std::string& field);

/// Shape of one input image (CHW).
struct InputShape {
  int channels = 1;
  int height = 28;
  int width = 28;
};

/// One convolution block: `convs` x (conv same-padding -> [batch norm] -> activation), then
/// pooling, then dropout.
struct ConvBlock {
  int filters = 32;
  int kernel_size = 3;  ///< square, odd (same padding)
  int convs = 2;
  Activation activation = Activation::kRelu;
  bool batch_norm = false;  ///< with batch norm the conv has no bias (it would be redundant)
  PoolKind pool = PoolKind::kMax;
  double dropout = 0.25;  ///< probability in [0, 1)
};

/// One hidden dense layer: linear -> activation -> dropout.
struct DenseLayer {
  int units = 256;
  Activation activation = Activation::kRelu;
  double dropout = 0.5;
};

/// Training hyper-parameters that live beside the network.
struct TrainHyper {
  OptimizerKind optimizer = OptimizerKind::kAdam;
  double learning_rate = 1e-3;
  int batch_size = 64;
  int epochs = 10;                  ///< maximum; early stopping may end sooner
  double weight_decay = 0.0;        ///< L2 penalty coefficient (added to the gradient)
  bool augment = false;             ///< random shifts up to 10% (+ horizontal flips if meaningful)
  int early_stopping_patience = 3;  ///< epochs without val-loss improvement; 0 = off
  int reduce_lr_patience = 2;       ///< epochs without improvement before lr *= factor; 0 = off
  double reduce_lr_factor = 0.5;    ///< in (0, 1)
  double min_learning_rate = 1e-6;
  double momentum = 0.9;  ///< SGD and RMSprop only
};

/// One candidate network: input -> conv blocks -> flatten -> dense layers -> classifier.
/// Invariant after Validate(): every size positive, the map stays >= 1x1 after every pooling.
struct Arch {
  InputShape input;
  int classes = 10;
  std::vector<ConvBlock> blocks;
  std::vector<DenseLayer> dense;
  TrainHyper train;
};

/// The seed-000 default network (docs/nn.md table defaults) for `input`.
Arch DefaultArch(const InputShape& input = {}, int classes = 10);

/// Throws ArchError naming the first wrong field (e.g. "blocks[2].pool: ...").
void Validate(const Arch& arch);

/// JSON form (see examples/arch/default.json). FromJson rejects unknown keys and wrong types
/// with ArchError naming the field, and validates the result.
nlohmann::json ArchToJson(const Arch& arch);
Arch ArchFromJson(const nlohmann::json& json);
/// Reads and parses a JSON file; errors carry the file name.
Arch LoadArchFile(const std::string& path);

/// Params (canonical names of docs/nn.md) -> validated Arch. Absent names take the template
/// defaults; an unknown name throws ConfigError; an invalid result throws ArchError.
Arch ArchFromParams(const search::Params& params, const InputShape& input = {}, int classes = 10);

}  // namespace symnas::nn
