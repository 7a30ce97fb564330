// The virtual board: a core's RTL (everything inside the board wrapper) in Verilator, with its UART pins
// bridged to a pseudo-terminal. Host code opens the pty exactly as it would /dev/ttyUSB1.
//
// The harness plays the USB-UART bridge at bit level: bytes the host writes are shifted into uart_rx at
// --clocks-per-bit, and uart_tx is sampled mid-bit and decoded back into bytes for the host. Time is
// virtual: once nothing has been in flight for a few bit times (the core's idle output high, both serial
// lines quiet) the harness sleeps in poll() instead of clocking, so an idle board costs no CPU; a partial
// frame keeps the clock running, so the link's frame timeout still fires.
//
// Usage: virtual_board --clocks-per-bit N [--reset-cycles N] [--link PATH] [--trace FILE.fst]
// --reset-cycles: clocks before the pty is offered (default 16 with rst high). A routed netlist makes its own
// reset after "configuration" (the wrapper's reset_sync), so its board runs that long before a host can talk.
// Prints "pty <path>" on stdout once ready. Exits on SIGINT/SIGTERM or when stdin closes (its parent died).
#include "Vdut.h"
#include "verilated.h"
#include "waveform.h"
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <string>
#include <termios.h>
#include <unistd.h>
#include <vector>

static volatile std::sig_atomic_t running = 1;
static void stop(int) { running = 0; }

int main(int argc, char** argv) {
    // The bit time in eighths of a clock cycle (the UART cells' resolution, src/link/uart-timing.ts): the host
    // side keeps the FPGA's average bit rate, each edge on the cycle at or before the ideal one.
    int bit_eighths = 0;
    int reset_cycles = 16;
    const char* link_path = nullptr;
    const char* trace_path = nullptr;
    for (int i = 1; i + 1 < argc; i++) {
        if (!std::strcmp(argv[i], "--clocks-per-bit")) bit_eighths = (int)std::lround(8 * std::atof(argv[i + 1]));
        if (!std::strcmp(argv[i], "--link")) link_path = argv[i + 1];
        if (!std::strcmp(argv[i], "--reset-cycles")) reset_cycles = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--trace")) trace_path = argv[i + 1];
    }
    const int clocks_per_bit = bit_eighths / 8;
    if (clocks_per_bit < 4) {
        std::fprintf(stderr, "virtual_board: --clocks-per-bit N (N >= 4) is required\n");
        return 2;
    }

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        std::perror("virtual_board: cannot create a pseudo-terminal");
        return 1;
    }
    const std::string slave_path = ptsname(master);
    // Keep one slave descriptor open: the master then never reads EIO while no host is connected, and a
    // host can close and reopen the port. Raw mode: no echo, no line editing, all 256 byte values pass.
    int slave = open(slave_path.c_str(), O_RDWR | O_NOCTTY);
    struct termios mode;
    tcgetattr(slave, &mode);
    cfmakeraw(&mode);
    tcsetattr(slave, TCSANOW, &mode);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    if (link_path) {
        unlink(link_path);
        if (symlink(slave_path.c_str(), link_path) != 0) std::perror("virtual_board: symlink");
    }
    std::signal(SIGINT, stop);
    std::signal(SIGTERM, stop);
    std::signal(SIGPIPE, SIG_IGN);

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    Vdut dut{context.get()};
    uint64_t cycle = 0;
    std::unique_ptr<Waveform> trace;
    if (!Waveform::open(trace, *context, dut, trace_path, argv[0])) return 2;
    auto tick = [&]() {
        dut.clk = 0;
        dut.eval();
        if (trace) trace->dump(2 * cycle);
        dut.clk = 1;
        dut.eval();
        if (trace) trace->dump(2 * cycle + 1);
        cycle++;
    };

    dut.uart_rx = 1;
    dut.rst = 1;
    for (int i = 0; i < reset_cycles; i++) tick();
    dut.rst = 0;

    std::printf("pty %s\n", slave_path.c_str());
    std::fflush(stdout);

    std::deque<uint8_t> to_core;     // host → FPGA bytes not yet on the wire
    std::vector<uint8_t> to_host;    // FPGA → host bytes not yet written to the pty
    // Host-side transmitter (drives uart_rx).
    bool send_active = false;
    int send_bit = 0, send_count = 0;
    uint16_t send_frame = 0;
    // Host-side receiver (samples uart_tx).
    bool recv_active = false;
    int recv_count = 0, recv_bit = 0;
    uint16_t recv_bits = 0;
    uint8_t buffer[4096];
    // The core's idle output cannot see a byte still inside uart_rx (synchronizer, stop-bit sampling), so the
    // clock keeps running until everything has been quiet for a few bit times.
    const int quiet_needed = 4 * clocks_per_bit + 16;
    int quiet_cycles = 0;

    while (running) {
        if (to_core.size() < 65536) {
            ssize_t n = read(master, buffer, sizeof buffer);
            if (n > 0) to_core.insert(to_core.end(), buffer, buffer + n);
        }
        bool busy = !to_core.empty() || send_active || recv_active || !dut.idle || !to_host.empty() ||
                    quiet_cycles < quiet_needed;
        if (!busy) {
            struct pollfd fds[2] = {{master, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            if (poll(fds, 2, 200) > 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
                // The parent writes nothing on stdin: readable means it closed (or died).
                if (read(STDIN_FILENO, buffer, sizeof buffer) <= 0) break;
            }
            continue;
        }
        for (int step = 0; step < 2048; step++) {
            if (!send_active && !to_core.empty()) {
                send_frame = (uint16_t)(0x200 | (to_core.front() << 1));   // stop 1, data, start 0
                to_core.pop_front();
                send_active = true;
                send_bit = 0;
                send_count = 0;
            }
            dut.uart_rx = send_active ? (send_frame >> send_bit) & 1 : 1;
            tick();
            // Bit k of a frame ends (k + 1)·bit_eighths/8 cycles after its start edge.
            if (send_active && 8 * ++send_count >= (send_bit + 1) * bit_eighths) {
                if (++send_bit == 10) send_active = false;
            }
            const int line = dut.uart_tx;
            if (!recv_active) {
                if (line == 0) {
                    recv_active = true;
                    recv_count = 0;
                    recv_bit = 0;
                    recv_bits = 0;
                }
            } else {
                recv_count++;
                // Bit k is sampled in its middle: (k + 1/2)·bit_eighths/8 cycles after the start edge.
                if (8 * recv_count >= (2 * recv_bit + 1) * bit_eighths / 2) {
                    const int k = recv_bit++;
                    recv_bits |= (uint16_t)(line << k);
                    if (k == 9) {
                        recv_active = false;
                        if ((recv_bits & 1) == 0 && (recv_bits >> 9) == 1) to_host.push_back((uint8_t)(recv_bits >> 1));
                        else std::fprintf(stderr, "virtual_board: framing error on uart_tx at cycle %llu\n", (unsigned long long)cycle);
                    }
                }
            }
            const bool quiet = !send_active && to_core.empty() && !recv_active && dut.idle && line == 1;
            quiet_cycles = quiet ? quiet_cycles + 1 : 0;
            if (quiet_cycles >= quiet_needed) break;
        }
        while (!to_host.empty()) {
            ssize_t n = write(master, to_host.data(), to_host.size());
            if (n <= 0) break;   // the pty is full: try again after the next batch
            to_host.erase(to_host.begin(), to_host.begin() + n);
        }
    }
    if (link_path) unlink(link_path);
    if (trace) trace->close();
    dut.final();
    close(slave);
    close(master);
    return 0;
}
