// io_mode: direct (O_DIRECT from aligned staging blocks) and buffered writes give byte-identical files, with
// tensors of odd sizes written in odd chunks from several threads, on the build directory's file system and on
// /dev/shm (tmpfs, which older kernels refuse O_DIRECT on: then the writer falls back to the page cache).
#define BOOST_TEST_MODULE direct_io
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "io_test_util.hpp"

namespace st = aq::st;
using aq::IoMode;

namespace {

// A scratch directory under `base`, removed at the end.
struct ScratchDir {
  std::string path;
  explicit ScratchDir(const std::string& base) {
    std::string tmpl = base + "/aq_direct_io_XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() { aqtest::TempDir::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// Sizes around the 4 KiB block and the 8 MiB staging buffer, and zero.
const std::vector<uint64_t> kSizes = {1,    3,     4095,  4096,   4097,          8191,   12345, 0,
                                      65537, 777777, 1u << 20, (8u << 20) + 4099, 5,      4093};

std::string tensor_name(std::size_t i) {
  return "t" + std::to_string(i / 10) + std::to_string(i % 10);  // in declaration order
}

std::vector<uint8_t> tensor_data(std::size_t i) { return iotest::pattern(kSizes[i], unsigned(i * 5 + 1)); }

// Writes the model with `threads` threads (tensor i on thread i % threads) in chunks of `chunk` bytes. With
// `placed`, each tensor's bytes lie in a 4 KiB-aligned buffer at the tensor's file offset modulo 4096, so that the
// whole blocks inside it are written from the caller's memory without staging.
struct Run {
  IoMode mode;
  int threads;
  std::size_t chunk;
  const std::vector<uint64_t>* placed = nullptr;  // file offsets, from an earlier write of the same model
};

bool write_model(const std::string& path, const Run& run) {
  st::WriterOptions o;
  o.io_mode = run.mode;
  st::Writer w(path, o);
  w.set_metadata("purpose", "direct io test");
  for (std::size_t i = 0; i < kSizes.size(); ++i) w.declare(tensor_name(i), "U8", {kSizes[i]});
  w.begin();
  // No Boost.Test assertions inside the threads (they are not thread-safe): an error is carried out and rethrown.
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(std::size_t(run.threads));
  for (int t = 0; t < run.threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        for (std::size_t i = std::size_t(t); i < kSizes.size(); i += std::size_t(run.threads)) {
          const std::vector<uint8_t> d = tensor_data(i);
          const uint8_t* src = d.data();
          std::unique_ptr<void, void (*)(void*)> block(nullptr, std::free);
          if (run.placed) {
            const uint64_t lead = (*run.placed)[i] % 4096;
            void* b = nullptr;
            if (::posix_memalign(&b, 4096, lead + d.size() + 1) != 0) throw std::bad_alloc();
            block.reset(b);
            if (!d.empty()) std::memcpy(static_cast<uint8_t*>(b) + lead, d.data(), d.size());  // data() may be null
            src = static_cast<uint8_t*>(b) + lead;
          }
          for (std::size_t off = 0; off < d.size(); off += run.chunk)
            w.write(tensor_name(i), src + off, std::min(run.chunk, d.size() - off));
          w.write(tensor_name(i), src, 0);  // empty writes are allowed anywhere, also at the file's unaligned end
        }
      } catch (...) {
        errors[std::size_t(t)] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  const bool direct = w.direct_io();
  w.commit();
  return direct;
}

// Whether the file system under `dir` accepts an O_DIRECT descriptor.
bool accepts_o_direct(const std::string& dir) {
  const std::string p = dir + "/probe";
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  ::unlink(p.c_str());
  return fd >= 0;
}

void check_identical_outputs(const std::string& base) {
  ScratchDir d(base);
  const std::string ref = d / "buffered.safetensors";
  BOOST_TEST(!write_model(ref, {IoMode::buffered, 1, 1 << 20}));
  const std::vector<uint8_t> want = iotest::read_file(ref);
  std::vector<uint64_t> offsets;
  {
    const st::Reader r = st::Reader::open(ref);
    for (std::size_t i = 0; i < kSizes.size(); ++i) offsets.push_back(r.find(tensor_name(i))->file_offset);
    BOOST_TEST_REQUIRE(r.tensors().size() == kSizes.size());
  }
  const bool can_direct = accepts_o_direct(d.path);
  BOOST_TEST_MESSAGE(base << ": O_DIRECT " << (can_direct ? "accepted" : "refused"));
  const std::vector<Run> runs = {{IoMode::direct, 1, 1 << 20},     {IoMode::direct, 4, 1000},
                                 {IoMode::direct, 3, 4096},        {IoMode::direct, 4, 3 << 20},
                                 {IoMode::direct, 2, 12345, &offsets}, {IoMode::direct, 4, 1 << 30, &offsets},
                                 {IoMode::buffered, 4, 777},       {IoMode::automatic, 3, 5000}};
  int k = 0;
  for (const Run& run : runs) {
    BOOST_TEST_CONTEXT("mode " << aq::io_mode_name(run.mode) << ", " << run.threads << " threads, chunks of "
                               << run.chunk << (run.placed ? ", caller's memory aligned" : "")) {
      const std::string out = d / ("out" + std::to_string(k++) + ".safetensors");
      const bool direct = write_model(out, run);
      // Direct exactly where it was asked for and the file system takes it (auto: this model is below 64 MiB).
      BOOST_TEST(direct == (run.mode == IoMode::direct && can_direct));
      BOOST_TEST((iotest::read_file(out) == want));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(direct_and_buffered_files_are_identical_on_the_build_file_system) {
  check_identical_outputs(AQ_BINARY_DIR);
}

BOOST_AUTO_TEST_CASE(direct_and_buffered_files_are_identical_on_tmpfs) {
  struct stat sb;
  if (::stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode)) {
    check_identical_outputs("/dev/shm");
  } else {
    BOOST_TEST_MESSAGE("no /dev/shm here: the tmpfs case is not run");
  }
}

BOOST_AUTO_TEST_CASE(sharded_direct_output_equals_buffered) {
  ScratchDir d(AQ_BINARY_DIR);
  std::vector<std::vector<uint8_t>> files[2];
  for (int m = 0; m < 2; ++m) {
    st::WriterOptions o;
    o.io_mode = m ? IoMode::direct : IoMode::buffered;
    o.max_shard_bytes = 3 << 20;
    const std::string out = d / (m ? "direct" : "buffered");
    {
      st::Writer w(out, o);
      for (std::size_t i = 0; i < kSizes.size(); ++i) w.declare(tensor_name(i), "U8", {kSizes[i]});
      w.begin();
      BOOST_TEST_REQUIRE(w.sharded());
      for (std::size_t i = 0; i < kSizes.size(); ++i) {
        const auto data = tensor_data(i);
        w.write(tensor_name(i), data.data(), data.size());
      }
      w.commit();
      for (const auto& f : w.output_files()) files[m].push_back(iotest::read_file(f));
    }
  }
  BOOST_TEST(files[0].size() >= 3u);
  BOOST_TEST((files[0] == files[1]));
}

#ifdef AQ_FAULT_INJECTION
// AQ_FAULT_DIRECT_REFUSED makes the file system "refuse" O_DIRECT at open() or at the first direct write, as
// tmpfs did before Linux 6.6: the writer goes on through the page cache, says so, and writes the same bytes.
BOOST_AUTO_TEST_CASE(refused_o_direct_falls_back_to_the_page_cache) {
  ScratchDir d(AQ_BINARY_DIR);
  const std::string ref = d / "ref.safetensors";
  write_model(ref, {IoMode::buffered, 1, 1 << 20});
  const std::vector<uint8_t> want = iotest::read_file(ref);
  for (const char* when : {"open", "write"}) {
    BOOST_TEST_CONTEXT("refused at " << when) {
      ::setenv("AQ_FAULT_DIRECT_REFUSED", when, 1);
      const std::string out = d / (std::string(when) + ".safetensors");
      st::WriterOptions o;
      o.io_mode = IoMode::direct;
      {
        st::Writer w(out, o);
        w.set_metadata("purpose", "direct io test");
        for (std::size_t i = 0; i < kSizes.size(); ++i) w.declare(tensor_name(i), "U8", {kSizes[i]});
        w.begin();
        for (std::size_t i = 0; i < kSizes.size(); ++i) {
          const auto data = tensor_data(i);
          w.write(tensor_name(i), data.data(), data.size());
        }
        w.commit();
        BOOST_TEST(!w.direct_io());
        BOOST_TEST_REQUIRE(w.io_notes().size() == 1u);
        BOOST_TEST(w.io_notes()[0].find("refused O_DIRECT") != std::string::npos, w.io_notes()[0]);
      }
      ::unsetenv("AQ_FAULT_DIRECT_REFUSED");
      BOOST_TEST((iotest::read_file(out) == want));
    }
  }
}
#endif

// The pipeline's output is the same bytes whatever io_mode and thread count.
BOOST_AUTO_TEST_CASE(quantized_model_is_identical_in_every_io_mode_and_thread_count) {
  ScratchDir d(AQ_BINARY_DIR);
  aq::write_demo_model(d / "demo.safetensors", 2);
  std::vector<uint8_t> want;
  int k = 0;
  for (IoMode mode : {IoMode::buffered, IoMode::direct, IoMode::automatic}) {
    for (int threads : {1, 2}) {
      BOOST_TEST_CONTEXT(aq::io_mode_name(mode) << ", " << threads << " threads") {
        aq::PipelineConfig c;
        c.enable_time_aware = false;
        c.num_threads = threads;
        c.io_mode = mode;
        const std::string out = d / ("q" + std::to_string(k++) + ".safetensors");
        const auto rep = boost::json::parse(aq::quantize_model(d / "demo.safetensors", out, c, nullptr)).as_object();
        BOOST_TEST(rep.at("output_io").as_string() ==
                   ((mode == IoMode::direct && accepts_o_direct(d.path)) ? "direct" : "buffered"));
        if (want.empty()) want = iotest::read_file(out);
        else BOOST_TEST((iotest::read_file(out) == want));
      }
    }
  }
}

// The streaming layout (WriterOptions::header_reserve): tensors declared after begin() go in the order declared,
// metadata may come until commit(), the header fills the reserved space exactly; the same bytes in every io_mode.
namespace {
std::vector<uint8_t> write_streamed(const std::string& path, IoMode mode, uint64_t reserve) {
  st::WriterOptions o;
  o.io_mode = mode;
  o.header_reserve = reserve;
  st::Writer w(path, o);
  w.declare("zz.first", "U8", {kSizes[0]});  // before begin(): placed first
  w.begin();
  const auto first = tensor_data(0);
  w.write("zz.first", first.data(), first.size());
  for (std::size_t i = kSizes.size(); i-- > 1;) {  // reverse name order: the file keeps the order written
    const auto d = tensor_data(i);
    w.declare(tensor_name(i), "U8", {kSizes[i]});
    for (std::size_t off = 0; off < d.size(); off += 7777) w.write(tensor_name(i), d.data() + off, std::min<std::size_t>(7777, d.size() - off));
    w.set_tensor_metadata(tensor_name(i), "info." + tensor_name(i), std::to_string(d.size()));
  }
  w.set_metadata("late", "set after the data");
  w.commit();
  return iotest::read_file(path);
}
}  // namespace

BOOST_AUTO_TEST_CASE(streaming_layout_reserves_the_header_and_keeps_the_write_order) {
  ScratchDir d(AQ_BINARY_DIR);
  const std::vector<uint8_t> buffered = write_streamed(d / "b.safetensors", IoMode::buffered, 5000);
  BOOST_TEST((write_streamed(d / "d.safetensors", IoMode::direct, 5000) == buffered));
  const uint64_t n = uint64_t(buffered[0]) | uint64_t(buffered[1]) << 8;
  BOOST_TEST(n == 5000u);  // the reserved size, rounded up to a multiple of 8
  const st::Reader r = st::Reader::open(d / "b.safetensors");
  BOOST_TEST(r.metadata().at("late") == "set after the data");
  BOOST_TEST(r.find("zz.first")->file_offset == 8 + 5000u);
  uint64_t prev = r.find("zz.first")->file_offset;
  for (std::size_t i = kSizes.size(); i-- > 1;) {
    const st::TensorInfo* t = r.find(tensor_name(i));
    BOOST_TEST_REQUIRE(t);
    BOOST_TEST(t->file_offset >= prev);
    prev = t->file_offset;
    std::vector<uint8_t> got(t->nbytes);
    if (t->nbytes) r.read(*t, 0, got.data(), t->nbytes);
    BOOST_TEST((got == tensor_data(i)));
  }
}

BOOST_AUTO_TEST_CASE(streaming_layout_header_larger_than_reserved_leaves_no_output) {
  ScratchDir d(AQ_BINARY_DIR);
  for (IoMode mode : {IoMode::buffered, IoMode::direct}) {
    try {
      write_streamed(d / "x.safetensors", mode, 64);
      BOOST_FAIL("a header larger than its reserve was accepted");
    } catch (const aq::Error& e) {
      BOOST_TEST((e.status() == aq::Status::internal));
      BOOST_TEST(std::string(e.what()).find("were reserved") != std::string::npos, e.what());
    }
    BOOST_TEST(aqtest::TempDir::list(d.path).empty());
  }
}
