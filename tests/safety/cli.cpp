// Output safety through the `arrowquant` tool: outputs that are inputs or each other, existing outputs and
// --force, output paths checked before any work, SIGINT/SIGTERM at a known stage (the AQ_TEST_PAUSE_AT hook
// pauses the run there until the signal's cancellation is seen: no sleeps, no timing), and the leftovers of a
// SIGKILL recognised by the next run. The input's checksum is compared before and after every case.
#define BOOST_TEST_MODULE safety_cli
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "reliability_util.hpp"

using reltest::TempDir;

namespace {

// `arrowquant ARGS` in dir with extra environment; stdout discarded, stderr read through a pipe so the test can
// wait for the pause marker without polling a file.
struct Tool {
  pid_t pid = -1;
  int err_fd = -1;
  std::string err;

  Tool(const std::string& dir, const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {}) {
    int p[2];
    BOOST_REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string s = *e;
      if (s.rfind("ARROW_QUANT_", 0) == 0 || s.rfind("AQ_", 0) == 0) continue;
      env.push_back(s);
    }
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<std::string> argv = {AQ_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : env) e.push_back(s.data());
    e.push_back(nullptr);
    // SIGINT/SIGTERM at their defaults in the child even when this test runs with them ignored (a background
    // job): the tool keeps an inherited ignore, as nohup expects.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawn(&pid, a[0], &fa, &attr, a.data(), e.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    ::close(p[1]);
    err_fd = p[0];
    BOOST_REQUIRE(rc == 0);
  }
  ~Tool() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (err_fd >= 0) ::close(err_fd);
  }
  // Reads stderr until text appears (true) or the tool closes it (false). Blocking reads: no timing involved.
  bool wait_for(const std::string& text) {
    char buf[4096];
    while (err.find(text) == std::string::npos) {
      const ssize_t r = ::read(err_fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      err.append(buf, std::size_t(r));
    }
    return true;
  }
  // Exit status (128 + signal for a death by signal, as a shell reports it); reads the rest of stderr first.
  int finish() {
    wait_for(std::string(1, '\0'));  // never present: reads to end of file
    int st = 0;
    BOOST_REQUIRE(::waitpid(pid, &st, 0) == pid);
    pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
};

struct Result {
  int status;
  std::string err;
};
Result run(const std::string& dir, const std::vector<std::string>& args) {
  Tool t(dir, args);
  const int st = t.finish();
  return {st, t.err};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Fixture {
  TempDir d;
  uint64_t sum = 0;
  Fixture() {
    reltest::write_model(d / "m.safetensors", 4, 64, 256, 7);
    sum = reltest::checksum(d / "m.safetensors");
  }
  void input_unchanged() const { BOOST_TEST(reltest::checksum(d / "m.safetensors") == sum); }
  std::vector<std::string> files() const { return TempDir::list(d.path); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(no_output_may_be_the_input_or_another_output, Fixture) {
  BOOST_REQUIRE(::link((d / "m.safetensors").c_str(), (d / "hard.safetensors").c_str()) == 0);
  BOOST_REQUIRE(::symlink("m.safetensors", (d / "sym.safetensors").c_str()) == 0);
  reltest::write_model(d / "q.safetensors", 1, 1, 8, 1);  // dequantize's input below
  {
    std::FILE* f = std::fopen((d / "c.json").c_str(), "w");
    BOOST_REQUIRE(f && std::fputs("{}", f) >= 0 && std::fclose(f) == 0);
  }
  const std::vector<std::string> before = files();
  const std::vector<std::vector<std::string>> cases = {
      {"quantize", "m.safetensors", "m.safetensors", "--force"},
      {"quantize", "m.safetensors", "./m.safetensors", "--force"},
      {"quantize", "m.safetensors", "hard.safetensors", "--force"},
      {"quantize", "m.safetensors", "sym.safetensors", "--force"},
      {"quantize", "m.safetensors", ".", "--force"},
      {"quantize", "m.safetensors", "out.safetensors", "--report", "m.safetensors", "--force"},
      {"quantize", "m.safetensors", "out.safetensors", "--html-report", "./hard.safetensors"},
      {"quantize", "m.safetensors", "out.safetensors", "--report", "out.safetensors"},
      {"quantize", "m.safetensors", "out.safetensors", "--report", "r.json", "--html-report", "r.json"},
      {"quantize", "m.safetensors", "out.safetensors", "--config", "c.json", "--report", "c.json"},
      {"dequantize", "q.safetensors", "q.safetensors", "--force"},
      {"baseline", "--model", "m.safetensors", "--output", ".", "--report", "m.safetensors"},
      {"baseline", "--model", "m.safetensors", "--output", "b", "--log", "m.safetensors"},
      {"accuracy", "m.safetensors", "--report", "sym.safetensors"},
  };
  for (const auto& args : cases) {
    std::string line;
    for (const auto& a : args) line += a + " ";
    const Result r = run(d.path, args);
    BOOST_TEST(r.status == 1, line << "-> " << r.status << ": " << r.err);
    BOOST_TEST(has(r.err, "AQ_ERR_INVALID_ARGUMENT"), line << r.err);
    BOOST_TEST((has(r.err, "same file") || has(r.err, "contains the input")), line << r.err);
    input_unchanged();
    std::vector<std::string> now = files();
    now.erase(std::remove(now.begin(), now.end(), "b"), now.end());  // baseline creates its output directory
    BOOST_TEST(now == before, line);
  }
}

BOOST_FIXTURE_TEST_CASE(an_existing_output_is_kept_unless_force, Fixture) {
  BOOST_REQUIRE(run(d.path, {"quantize", "m.safetensors", "q.safetensors", "--quiet", "--bits", "8"}).status == 0);
  const uint64_t first = reltest::checksum(d / "q.safetensors");
  const Result kept = run(d.path, {"quantize", "m.safetensors", "q.safetensors", "--quiet", "--bits", "4"});
  BOOST_TEST(kept.status == 1);
  BOOST_TEST(has(kept.err, "'q.safetensors' already exists; pass --force"), kept.err);
  BOOST_TEST(reltest::checksum(d / "q.safetensors") == first);
  const Result report_kept = run(d.path, {"quantize", "m.safetensors", "q2.safetensors", "--report", "q.safetensors"});
  BOOST_TEST(report_kept.status == 1);
  BOOST_TEST(!reltest::exists(d / "q2.safetensors"));
  const Result forced = run(d.path, {"quantize", "m.safetensors", "q.safetensors", "--quiet", "--bits", "4", "--force"});
  BOOST_TEST(forced.status == 0, forced.err);
  BOOST_TEST(reltest::checksum(d / "q.safetensors") != first);
  BOOST_TEST(run(d.path, {"dequantize", "q.safetensors", "f.safetensors"}).status == 0);
  BOOST_TEST(run(d.path, {"dequantize", "q.safetensors", "f.safetensors"}).status == 1);
  BOOST_TEST(run(d.path, {"dequantize", "q.safetensors", "f.safetensors", "--force"}).status == 0);
  BOOST_TEST(reltest::temporaries(d.path).empty());
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(every_output_path_is_checked_before_the_first_tensor, Fixture) {
  const std::vector<std::vector<std::string>> cases = {
      {"quantize", "m.safetensors", "no/q.safetensors"},
      {"quantize", "m.safetensors", "m.safetensors/q.safetensors"},
      {"quantize", "m.safetensors", "q.safetensors", "--report", "no/r.json"},
      {"quantize", "m.safetensors", "q.safetensors", "--html-report", "m.safetensors/r.html"},
  };
  for (const auto& args : cases) {
    const Result r = run(d.path, args);
    BOOST_TEST(r.status == 1, r.err);
    BOOST_TEST(has(r.err, "AQ_ERR_IO"), r.err);
    BOOST_TEST(!has(r.err, "tensor 1/"), r.err);  // no progress line: nothing was quantized
    BOOST_TEST((files() == std::vector<std::string>{"m.safetensors"}));
  }
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(sigint_and_sigterm_cancel_every_stage_and_leave_nothing, Fixture) {
  for (const char* stage : {"quantize", "time-aware", "write"}) {
    for (int sig : {SIGINT, SIGTERM}) {
      Tool t(d.path, {"quantize", "m.safetensors", "q.safetensors", "--report", "r.json", "--html-report", "r.html"},
             {std::string("AQ_TEST_PAUSE_AT=") + stage});
      BOOST_REQUIRE_MESSAGE(t.wait_for(std::string("paused at ") + stage), t.err);
      BOOST_TEST(reltest::temporaries(d.path).size() == 3u);  // model, report and page reserved up front
      ::kill(t.pid, sig);
      const int status = t.finish();
      BOOST_TEST(status == 128 + sig, stage << " signal " << sig << ": " << t.err);
      BOOST_TEST(has(t.err, "arrowquant: cancelled, nothing written"), t.err);
      BOOST_TEST((files() == std::vector<std::string>{"m.safetensors"}), stage);
      input_unchanged();
    }
  }
}

BOOST_FIXTURE_TEST_CASE(the_leftovers_of_a_sigkill_are_removed_by_the_next_run, Fixture) {
  {
    Tool t(d.path, {"quantize", "m.safetensors", "q.safetensors", "--report", "r.json"}, {"AQ_TEST_PAUSE_AT=write"});
    BOOST_REQUIRE_MESSAGE(t.wait_for("paused at write"), t.err);
    ::kill(t.pid, SIGKILL);
    BOOST_TEST(t.finish() == 128 + SIGKILL);
  }
  const std::vector<std::string> left = reltest::temporaries(d.path);
  BOOST_REQUIRE_EQUAL(left.size(), 2u);
  const Result r = run(d.path, {"quantize", "m.safetensors", "q.safetensors", "--report", "r.json"});
  BOOST_TEST(r.status == 0, r.err);
  for (const auto& n : left) BOOST_TEST(has(r.err, "removed " + n), r.err);
  BOOST_TEST(reltest::temporaries(d.path).empty());
  BOOST_TEST(reltest::exists(d / "q.safetensors"));
  input_unchanged();
}
