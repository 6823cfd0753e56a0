// ONNX writer (fp32, and int8 in QDQ form): walks the trained torch::nn::Sequential built from
// an Arch (model.cpp's layer order) and emits one ONNX node per layer with the weights as
// initializers, through the protobuf classes of Debian's libonnx (onnx-ml.proto); int8 writes
// the Int8Plan of quantise.hpp (folding, scales, zero points). Takes a TrainedModel, produces a
// file.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "symnas/common/error.hpp"
#include "symnas/nn/export.hpp"
#include "symnas/nn/quantise.hpp"

namespace symnas::nn {
namespace {

namespace tnn = torch::nn;

// Builds the graph: every Add* appends nodes reading `current_` and moves it to their output.
class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  void SetCurrent(const std::string& name) { current_ = name; }
  const std::string& current() const { return current_; }

  // int8 mode: the QDQ graph of `plan` (quantise.hpp; docs/nn.md, "int8").
  void Quantise(const Int8Plan& plan) { plan_ = &plan; }

  // An initializer from a float tensor (copied, NCHW-contiguous).
  std::string Initializer(const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat).contiguous();
    onnx::TensorProto* init = graph_.add_initializer();
    init->set_name(name);
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : c.sizes()) init->add_dims(d);
    init->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()),
                                   static_cast<std::size_t>(c.numel()) * sizeof(float)));
    return name;
  }

  // An initializer of int8 (kChar), uint8 (kByte) or int32 (kInt) values.
  std::string IntInitializer(const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().contiguous();
    onnx::TensorProto* init = graph_.add_initializer();
    init->set_name(name);
    init->set_data_type(c.scalar_type() == torch::kChar   ? onnx::TensorProto::INT8
                        : c.scalar_type() == torch::kByte ? onnx::TensorProto::UINT8
                                                          : onnx::TensorProto::INT32);
    for (std::int64_t d : c.sizes()) init->add_dims(d);
    init->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()),
                                   static_cast<std::size_t>(c.numel()) * c.element_size()));
    return name;
  }

  // A node `op` on the current value plus `extra` inputs; returns it for attributes.
  onnx::NodeProto& Node(const std::string& op, const std::vector<std::string>& extra = {}) {
    onnx::NodeProto* n = graph_.add_node();
    const std::string out = fmt::format("{}_{}", op, graph_.node_size());
    n->set_op_type(op);
    n->set_name(out);
    n->add_input(current_);
    for (const auto& e : extra) n->add_input(e);
    n->add_output(out);
    current_ = out;
    return *n;
  }

  static void Ints(onnx::NodeProto& n, const std::string& name, std::vector<std::int64_t> v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t x : v) a->add_ints(x);
  }
  static void Int(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void Float(onnx::NodeProto& n, const std::string& name, float v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }

  // Layer `i` of the Sequential (`i` also makes initializer names unique). Returns false when
  // it consumed the next layer too (a batch norm folded into an int8 convolution).
  bool AddLayer(const std::shared_ptr<tnn::Module>& layer, std::size_t i) {
    const std::string p = fmt::format("layer{}", i);
    bool consumed_next = false;
    if (auto* conv = layer->as<tnn::Conv2d>()) {
      std::vector<std::string> in;
      if (plan_ != nullptr) {
        const Int8Layer& q = plan_->at(i);
        consumed_next = q.folds_next;
        in = QuantisedInputs(p, q);
      } else {
        in.push_back(Initializer(p + ".weight", conv->weight));
        if (conv->bias.defined()) in.push_back(Initializer(p + ".bias", conv->bias));
      }
      const auto k = conv->options.kernel_size();
      const auto pad = c10::get<torch::ExpandingArray<2>>(conv->options.padding());
      onnx::NodeProto& n = Node("Conv", in);
      Ints(n, "kernel_shape", {k->at(0), k->at(1)});
      Ints(n, "pads", {pad->at(0), pad->at(1), pad->at(0), pad->at(1)});
      Ints(n, "strides", {1, 1});
    } else if (auto* bn = layer->as<tnn::BatchNorm2d>()) {
      onnx::NodeProto& n =
          Node("BatchNormalization",
               {Initializer(p + ".weight", bn->weight), Initializer(p + ".bias", bn->bias),
                Initializer(p + ".running_mean", bn->running_mean),
                Initializer(p + ".running_var", bn->running_var)});
      Float(n, "epsilon", static_cast<float>(bn->options.eps()));
    } else if (layer->as<tnn::ReLU>()) {
      Node("Relu");
    } else if (auto* elu = layer->as<tnn::ELU>()) {
      Float(Node("Elu"), "alpha", static_cast<float>(elu->options.alpha()));
    } else if (layer->as<tnn::SELU>()) {
      // selu(x) = gamma * elu(x, alpha) with torch's constants: Elu and Mul run in every
      // runtime (a plain Selu node is not in every one).
      Float(Node("Elu"), "alpha", 1.6732632423543772f);
      Node("Mul", {Initializer(p + ".selu_gamma", torch::tensor(1.0507009873554805f))});
    } else if (layer->as<tnn::SiLU>()) {
      const std::string x = current_;
      Node("Sigmoid");
      Node("Mul", {x});
    } else if (layer->as<tnn::MaxPool2d>() || layer->as<tnn::AvgPool2d>()) {
      onnx::NodeProto& n = Node(layer->as<tnn::MaxPool2d>() ? "MaxPool" : "AveragePool");
      Ints(n, "kernel_shape", {2, 2});
      Ints(n, "strides", {2, 2});
    } else if (layer->as<tnn::Dropout>()) {
      // The identity at inference: nothing is written.
    } else if (layer->as<tnn::Flatten>()) {
      Int(Node("Flatten"), "axis", 1);
    } else if (auto* fc = layer->as<tnn::Linear>()) {
      const std::vector<std::string> in =
          plan_ != nullptr ? QuantisedInputs(p, plan_->at(i))
                           : std::vector<std::string>{Initializer(p + ".weight", fc->weight),
                                                      Initializer(p + ".bias", fc->bias)};
      Int(Node("Gemm", in), "transB", 1);
    } else {
      throw Error("ExportError",
                  fmt::format("ONNX export: no ONNX node for layer {} ({})", i, layer->name()));
    }
    return !consumed_next;
  }

 private:
  // Quantises the current value through QuantizeLinear -> DequantizeLinear with the layer's
  // input quantisation, then returns the Conv/Gemm inputs after it: the weight and the bias,
  // each the output of a DequantizeLinear of a constant.
  std::vector<std::string> QuantisedInputs(const std::string& p, const Int8Layer& q) {
    const std::string s = Initializer(p + ".x_scale", torch::tensor(q.input.scale));
    const std::string z = IntInitializer(
        p + ".x_zero",
        torch::tensor(static_cast<std::int32_t>(q.input.zero_point)).to(torch::kByte));
    Node("QuantizeLinear", {s, z});
    Node("DequantizeLinear", {s, z});
    std::vector<std::string> in = {DequantizeConstant(p + ".weight", q.weight_q, q.weight_scale)};
    if (q.bias_q.defined()) in.push_back(DequantizeConstant(p + ".bias", q.bias_q, q.bias_scale));
    return in;
  }

  // DequantizeLinear(q, scale along axis 0, zero point 0) of a constant; returns its output.
  std::string DequantizeConstant(const std::string& name, const torch::Tensor& q,
                                 const torch::Tensor& scale) {
    const std::string q_name = IntInitializer(name + "_q", q);
    const std::string s_name = Initializer(name + "_scale", scale);
    const std::string z_name =
        IntInitializer(name + "_zero", torch::zeros(scale.sizes(), q.scalar_type()));
    onnx::NodeProto* n = graph_.add_node();
    const std::string out = name + "_dq";
    n->set_op_type("DequantizeLinear");
    n->set_name(out);
    n->add_input(q_name);
    n->add_input(s_name);
    n->add_input(z_name);
    n->add_output(out);
    Int(*n, "axis", 0);
    return out;
  }

  onnx::GraphProto& graph_;
  std::string current_;
  const Int8Plan* plan_ = nullptr;  ///< int8 mode when set
};

void SetTensorType(onnx::ValueInfoProto& v, const std::string& name,
                   const std::vector<std::int64_t>& dims) {
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (std::int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

ExportSummary WriteOnnxGraph(TrainedModel& model, const std::string& path, bool int8) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("symnas");
  proto.set_doc_string("input: images N x C x H x W scaled to 0..1 (pixel / 255); output: logits");
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name("symnas_cnn");
  const InputShape& in = model.arch.input;
  SetTensorType(*graph.add_input(), "input", {in.channels, in.height, in.width});
  OnnxGraphBuilder b(graph);
  Int8Plan plan;
  if (int8) {
    plan = PlanInt8(model);
    b.Quantise(plan);
  }
  b.SetCurrent("input");
  // Standardisation constants shaped C x 1 x 1 (broadcast over N, H, W). OpenCV 4.6's importer
  // refuses an Add/Sub constant shaped 1 x C x 1 x 1 (shape_utils.hpp "Assertion failed ... in
  // function 'total'") and accepts C x 1 x 1, which is the same ONNX (multidirectional
  // broadcasting); tests/nn/export_test.cpp loads the file in OpenCV.
  const auto c = static_cast<std::int64_t>(model.mean.size());
  b.Node("Sub", {b.Initializer("mean", torch::tensor(model.mean).reshape({c, 1, 1}))});
  b.Node("Div", {b.Initializer("std", torch::tensor(model.std).reshape({c, 1, 1}))});
  const auto layers = model.module->children();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!b.AddLayer(layers[i], i)) ++i;
  }
  graph.mutable_node(graph.node_size() - 1)->set_output(0, "logits");
  SetTensorType(*graph.add_output(), "logits", {model.arch.classes});
  std::ofstream out(path, std::ios::binary);
  if (!out || !proto.SerializeToOstream(&out)) {
    throw ConfigError(fmt::format("cannot write the ONNX file '{}'", path), {path, 0, 0});
  }
  out.close();
  ExportSummary s;
  s.file_bytes = static_cast<std::int64_t>(proto.ByteSizeLong());
  s.params = CountParameters(*model.module);
  s.details =
      fmt::format("opset {}, {} nodes{}", kOnnxOpset, graph.node_size(), int8 ? ", int8 QDQ" : "");
  return s;
}

}  // namespace

ExportSummary WriteOnnx(TrainedModel& model, const std::string& path) {
  return WriteOnnxGraph(model, path, false);
}

ExportSummary WriteOnnxInt8(TrainedModel& model, const std::string& path) {
  return WriteOnnxGraph(model, path, true);
}

}  // namespace symnas::nn
