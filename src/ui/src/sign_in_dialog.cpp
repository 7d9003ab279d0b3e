#include "sitmap/ui/sign_in_dialog.hpp"

#include <imgui.h>
#include <string.h>

#include "sitmap/core/error.hpp"
#include "sitmap/services/users.hpp"

namespace sitmap::ui {

void SignInDialog::open(const std::filesystem::path& database) {
  database_ = database;
  message_.clear();
  open_ = true;
}

std::optional<SignedIn> SignInDialog::submit() {
  std::optional<SignedIn> who;
  try {
    // Its own writable handle: the window reads the workspace read-only, and the attempt must be audited.
    auto store = store::open_spatialite(database_, store::OpenMode::ReadWrite);
    auto principal = services::sign_in(*store, user, password.data());
    who = SignedIn{principal, access::unlock_data_key(*store, principal, password.data())};
    message_.clear();
  } catch (const Error& e) {
    message_ = e.kind() == ErrorKind::Denied ? "登录失败：用户名或密码错误，或账户已锁定、停用" : e.what();
  }
  explicit_bzero(password.data(), password.size());
  return who;
}

const char* SignInDialog::glyph_text() { return "登录… 用户名 密码 取消 登录失败：用户名或密码错误，或账户已锁定、停用 当前用户：（） 领导 规划 分析 值班 管理员"; }

std::optional<SignedIn> SignInDialog::draw(float s) {
  if (!open_) return std::nullopt;
  ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos({vp->Size.x / 2, vp->Size.y / 2}, ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowBgAlpha(1.0f);
  bool keep = true;
  ImGui::Begin("登录", &keep,
               ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
  float label = 90 * s, field = 260 * s;
  ImGui::TextUnformatted("用户名");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  char name[128] = {};
  user.copy(name, sizeof name - 1);
  if (ImGui::InputText("##user", name, sizeof name)) user = name;
  ImGui::TextUnformatted("密码");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  bool enter = ImGui::InputText("##password", password.data(), password.size(),
                                ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  std::optional<SignedIn> who;
  if (ImGui::Button("登录") || enter) who = submit();
  ImGui::SameLine();
  if (ImGui::Button("取消")) keep = false;
  if (!message_.empty()) ImGui::TextColored({0.95f, 0.45f, 0.4f, 1}, "%s", message_.c_str());
  ImGui::End();
  if (who || !keep) {
    open_ = false;
    explicit_bzero(password.data(), password.size());
  }
  return who;
}

}  // namespace sitmap::ui
