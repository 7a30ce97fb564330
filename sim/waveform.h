// waveform.h: the optional FST waveform of a spinbit Verilator harness (sim/board/virtual_board.cpp and the
// vector harness of sim/vectors.ts). sim/verilator.ts writes it beside the harness and keys builds by it.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

class Waveform {
  public:
    // Opens a waveform at `path` into `out` (no path: none, `out` stays empty). False, with the reason on
    // stderr, when a path is given but the model was built without waveform support (routed netlists: tracing
    // every net makes the model's compile ~6× longer).
    template <class Dut>
    static bool open(std::unique_ptr<Waveform>& out, VerilatedContext& context, Dut& dut, const char* path,
                     const char* program) {
        if (!path) return true;
#if VM_TRACE
        context.traceEverOn(true);
        out.reset(new Waveform());
        dut.trace(out->fst_.get(), 99);
        out->fst_->open(path);
        return true;
#else
        (void)context;
        (void)dut;
        std::fprintf(stderr, "%s: this model was built without waveform support: --trace needs the RTL model\n",
                     program);
        return false;
#endif
    }
#if VM_TRACE
    void dump(uint64_t time) { fst_->dump(time); }
    void close() { fst_->close(); }

  private:
    Waveform() : fst_(new VerilatedFstC()) {}
    std::unique_ptr<VerilatedFstC> fst_;
#else
    void dump(uint64_t) {}
    void close() {}
#endif
};
