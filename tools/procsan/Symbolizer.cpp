// Symbolization of runtime stacks, done in the tool and never in the traced process. Part of
// libprocsan-llvm.so: the driver loads it only when a report has frames to name.
#include "LLVMLibrary.h"

#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include <map>

namespace procsan {
namespace tools {
namespace {

class LLVMStackSymbolizer : public monitor::Symbolizer {
public:
  void symbolize(monitor::Frame &f) override {
    if (f.module.empty() || f.module[0] != '/')
      return;
    std::optional<uint64_t> address = virtualAddress(f.module, f.fileOffset);
    if (!address)
      return;
    uint64_t lookup = *address - (f.returnAddress && *address ? 1 : 0);
    auto info =
        symbolizer.symbolizeCode(f.module, {lookup, llvm::object::SectionedAddress::UndefSection});
    if (!info) {
      llvm::consumeError(info.takeError());
      return;
    }
    if (info->FunctionName != llvm::DILineInfo::BadString)
      f.function = info->FunctionName;
    if (info->FileName != llvm::DILineInfo::BadString)
      f.file = info->FileName;
    f.line = (int)info->Line;
    f.column = (int)info->Column;
  }

private:
  // Maps a file offset of the module to the virtual address its debug info uses.
  std::optional<uint64_t> virtualAddress(const std::string &path, uint64_t offset) {
    auto it = loads.find(path);
    if (it == loads.end()) {
      std::vector<Segment> segments;
      auto binary = llvm::object::ObjectFile::createObjectFile(path);
      if (!binary) {
        llvm::consumeError(binary.takeError());
      } else if (auto *elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(binary->getBinary())) {
        auto headers = elf->getELFFile().program_headers();
        if (headers) {
          for (const auto &ph : *headers)
            if (ph.p_type == llvm::ELF::PT_LOAD)
              segments.push_back({ph.p_offset, ph.p_filesz, ph.p_vaddr});
        } else {
          llvm::consumeError(headers.takeError());
        }
      }
      it = loads.emplace(path, std::move(segments)).first;
    }
    for (const Segment &s : it->second)
      if (offset >= s.offset && offset < s.offset + s.size)
        return offset - s.offset + s.vaddr;
    return std::nullopt;
  }

  struct Segment {
    uint64_t offset, size, vaddr;
  };
  std::map<std::string, std::vector<Segment>> loads;
  llvm::symbolize::LLVMSymbolizer symbolizer;
};

} // namespace

monitor::Symbolizer *newLLVMSymbolizer() { return new LLVMStackSymbolizer(); }

} // namespace tools
} // namespace procsan
