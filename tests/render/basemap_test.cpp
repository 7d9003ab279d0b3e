// The raster basemap's re-sample runs on a worker thread: draw() starts it and returns, the map keeps the
// previous image until the new one has arrived, and the upload happens on the drawing thread.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "sitmap/platform/gl_context.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/render/map_renderer.hpp"

using namespace sitmap;
using namespace sitmap::render;

TEST(Basemap, ResampleRunsOnAWorkerAndThePreviousImageStaysUntilTheNewOneArrives) {
  platform::OffscreenContext context;
  const int width = 200, height = 160;
  Camera cam;
  cam.center = {13524000, 3662000};
  cam.width = width;
  cam.height = height;
  cam.zoom = 16;

  std::mutex mutex;
  std::condition_variable released_cv, started_cv;
  bool released = false;
  std::vector<std::thread::id> fetch_threads;
  auto fetch = [&](const BBox&, int w, int h) {
    std::unique_lock lock(mutex);
    fetch_threads.push_back(std::this_thread::get_id());
    const bool first = fetch_threads.size() == 1;
    started_cv.notify_all();
    // The second fetch waits for the test (bounded only so that a fetch run by draw() itself fails the
    // thread check below instead of hanging).
    if (!first) released_cv.wait_for(lock, std::chrono::seconds(30), [&] { return released; });
    std::array<uint8_t, 4> colour =
        first ? std::array<uint8_t, 4>{255, 0, 0, 255} : std::array<uint8_t, 4>{0, 0, 255, 255};
    std::vector<uint8_t> px(size_t(w) * size_t(h) * 4);
    for (size_t i = 0; i < px.size(); ++i) px[i] = colour[i % 4];
    return px;
  };

  MapRenderer map(std::filesystem::path(SITMAP_SOURCE_DIR) / "shaders");
  map.set_basemap(fetch);
  Framebuffer fb(width, height);
  auto frame = [&] {
    fb.bind();
    map.draw(cam, {0, 0, 0, 1});
    return fb.read_pixels();
  };
  auto at = [&](const std::vector<uint8_t>& px, int col, int row) {
    size_t i = (size_t(row) * width + col) * 4;
    return std::array<int, 3>{px[i], px[i + 1], px[i + 2]};
  };
  const std::array<int, 3> red{255, 0, 0}, blue{0, 0, 255};

  frame();  // starts the first fetch
  map.wait_for_basemap();
  EXPECT_EQ(at(frame(), width / 2, height / 2), red);

  // Panned by 0.3 of the view: past the 0.25 margin, so a new image is due; the old one still covers the
  // left of the view and is drawn while the second fetch waits.
  cam.center.x += 0.3 * width * cam.resolution();
  auto waiting = frame();
  EXPECT_EQ(at(waiting, 10, height / 2), red) << "the previous image was dropped before the new one arrived";
  {
    std::unique_lock lock(mutex);
    started_cv.wait_for(lock, std::chrono::seconds(30), [&] { return fetch_threads.size() == 2; });
    ASSERT_EQ(fetch_threads.size(), 2u);
    EXPECT_NE(fetch_threads[0], std::this_thread::get_id()) << "the first re-sample ran on the drawing thread";
    EXPECT_NE(fetch_threads[1], std::this_thread::get_id()) << "the second re-sample ran on the drawing thread";
    released = true;
  }
  released_cv.notify_all();
  map.wait_for_basemap();
  EXPECT_EQ(at(frame(), width / 2, height / 2), blue);
}
