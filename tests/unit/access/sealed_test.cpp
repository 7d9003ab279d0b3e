// The data key and sealed bytes: what opens, what does not, and who keeps a copy of the key.
#include "sitmap/access/sealed.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "access_fixture.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::access;

namespace {

class Sealed : public test::AccessTest {
 protected:
  // The first admin (creates the key), then a cleared duty officer, a cleared and an uncleared analyst and a
  // leader, added by the admin holding the key as a signed-in admin does.
  std::shared_ptr<const DataKey> staff() {
    add_user(*store_, {}, {"root", Role::Admin, kPassword, false});
    auto key = unwrap_data_key(*store_, "root", kPassword);
    EXPECT_TRUE(key);
    Principal root{"root", Role::Admin, false};
    for (NewUser u : {NewUser{"duty", Role::Duty, kPassword, true}, NewUser{"vetted", Role::Analyst, kPassword, true},
                      NewUser{"ana", Role::Analyst, kPassword, false}, NewUser{"lead", Role::Leader, kPassword, false}})
      add_user(*store_, root, u, key.get());
    return key;
  }
  std::string file_bytes() {
    std::ifstream in(file_, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), {});
    std::ifstream wal(file_.string() + "-wal", std::ios::binary);
    return s + std::string((std::istreambuf_iterator<char>(wal)), {});
  }
};

std::string text(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

TEST_F(Sealed, BytesOpenOnlyWithTheirKeyAndContext) {
  auto key = DataKey::generate(), other = DataKey::generate();
  auto box = seal(*key, "case_reporters:7", "张三 13800000000");
  EXPECT_EQ(text(open(*key, "case_reporters:7", box, "reporter")), "张三 13800000000");
  EXPECT_EQ(text(box).find("张三"), std::string::npos);
  EXPECT_NE(seal(*key, "case_reporters:7", "张三 13800000000"), box);  // a fresh nonce each time
  for (auto [k, context] : {std::pair{key.get(), "case_reporters:8"}, {other.get(), "case_reporters:7"}}) {
    try {
      open(*k, context, box, "reporter");
      ADD_FAILURE() << "opened under " << context;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied);
      EXPECT_STREQ(e.what(), "reporter does not open: tampered with or sealed under another key");
    }
  }
  for (size_t i = 0; i < box.size(); i += 7) {
    auto bad = box;
    bad[i] ^= 0x01;
    EXPECT_THROW(open(*key, "case_reporters:7", bad, "reporter"), Error) << "byte " << i;
  }
  EXPECT_THROW(open(*key, "x", std::vector<uint8_t>(10), "reporter"), Error);  // shorter than a nonce and tag
}

TEST_F(Sealed, TheFirstAdminCreatesTheKeyAndOnlyHoldersGetACopy) {
  auto key = staff();
  EXPECT_EQ(workspace_data_key_id(*store_), key->id());
  for (const char* user : {"root", "duty", "vetted"}) {
    auto k = unwrap_data_key(*store_, user, kPassword);
    ASSERT_TRUE(k) << user;
    EXPECT_EQ(k->id(), key->id()) << user;
    EXPECT_FALSE(unwrap_data_key(*store_, user, "correct horse 43")) << user;
  }
  for (const char* user : {"ana", "lead", "nobody"}) EXPECT_FALSE(unwrap_data_key(*store_, user, kPassword)) << user;
  EXPECT_EQ(unlock_data_key(*store_, {"lead", Role::Leader, false}, kPassword), nullptr);
  EXPECT_EQ(unlock_data_key(*store_, {"duty", Role::Duty, true}, kPassword)->id(), key->id());
  std::string raw = file_bytes();
  EXPECT_EQ(raw.find(std::string(reinterpret_cast<const char*>(key->bytes()), DataKey::kSize)), std::string::npos);
}

TEST_F(Sealed, ACopyMovedToAnotherUserOrTamperedWithDoesNotOpen) {
  staff();
  sql("UPDATE sitmap_meta SET value = (SELECT value FROM sitmap_meta WHERE key = 'wrapped_data_key:duty') "
      "WHERE key = 'wrapped_data_key:vetted'");
  EXPECT_FALSE(unwrap_data_key(*store_, "vetted", kPassword));
  sql("UPDATE sitmap_meta SET value = (SELECT value FROM sitmap_meta WHERE key = 'wrapped_audit_key:root') "
      "WHERE key = 'wrapped_data_key:root'");  // same size, same password, another purpose
  EXPECT_FALSE(unwrap_data_key(*store_, "root", kPassword));
  sql("UPDATE sitmap_meta SET value = substr(value, 1, 100) || 'ff' || substr(value, 103) "
      "WHERE key = 'wrapped_data_key:duty'");
  EXPECT_FALSE(unwrap_data_key(*store_, "duty", kPassword));
}

TEST_F(Sealed, APasswordChangeSealsTheCopyAgainAndADisabledUserLosesIt) {
  auto key = staff();
  Principal root{"root", Role::Admin, false};
  set_password(*store_, root, "vetted", "another horse 7", key.get());
  EXPECT_FALSE(unwrap_data_key(*store_, "vetted", kPassword));
  EXPECT_EQ(unwrap_data_key(*store_, "vetted", "another horse 7")->id(), key->id());
  set_password(*store_, root, "duty", "another horse 7");  // no key at hand: the old copy goes
  EXPECT_FALSE(unwrap_data_key(*store_, "duty", kPassword));
  EXPECT_FALSE(unwrap_data_key(*store_, "duty", "another horse 7"));
  disable_user(*store_, root, "vetted");
  EXPECT_EQ(store_->metadata("wrapped_data_key:vetted").value_or("gone"), "");
}

TEST_F(Sealed, AnAdminsSignInGivesAWorkspaceWithoutAKeyItsFirstOne) {
  staff();
  sql("DELETE FROM sitmap_meta WHERE key LIKE 'wrapped_data_key:%' OR key = 'data_key_id'");  // as an older file
  EXPECT_EQ(unlock_data_key(*store_, {"duty", Role::Duty, true}, kPassword), nullptr);
  auto key = unlock_data_key(*store_, {"root", Role::Admin, false}, kPassword);
  ASSERT_TRUE(key);
  EXPECT_EQ(workspace_data_key_id(*store_), key->id());
  EXPECT_EQ(unwrap_data_key(*store_, "root", kPassword)->id(), key->id());
}

}  // namespace
