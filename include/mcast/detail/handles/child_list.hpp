// mcast/detail/handles/child_list.hpp -- the intrusive list of a membership's live children (blocked_source,
// included_source) and what a child handle is.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_DETAIL_CHILD_LIST_HPP
#define MCAST_DETAIL_CHILD_LIST_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../../config.hpp"
#include "../kernel_request.hpp"

#include <cstddef>
#include <utility>

MCAST_BEGIN_NAMESPACE

namespace detail {

// Intrusive list of a membership's live children: no allocation, and moving either side only
// relinks pointers.
template <class Child> struct child_list {
  Child* head = nullptr;
  std::size_t count = 0;

  MCAST_DETAIL_ALWAYS_INLINE void push(Child* c) noexcept {
    c->prev_ = nullptr;
    c->next_ = head;
    if (head)
      head->prev_ = c;
    head = c;
    ++count;
  }
  MCAST_DETAIL_ALWAYS_INLINE void unlink(Child* c) noexcept {
    if (c->prev_)
      c->prev_->next_ = c->next_;
    else
      head = c->next_;
    if (c->next_)
      c->next_->prev_ = c->prev_;
    c->prev_ = c->next_ = nullptr;
    --count;
  }
  void replace(Child* from, Child* to) noexcept {
    to->prev_ = from->prev_;
    to->next_ = from->next_;
    if (to->prev_)
      to->prev_->next_ = to;
    else
      head = to;
    if (to->next_)
      to->next_->prev_ = to;
    from->prev_ = from->next_ = nullptr;
  }
  MCAST_DETAIL_ALWAYS_INLINE bool contains(const source& s) const noexcept {
    for (Child* c = head; c; c = c->next_)
      if (c->source_ == s)
        return true;
    return false;
  }
  template <class Parent> void reparent(Parent* p) noexcept {
    for (Child* c = head; c; c = c->next_)
      c->parent_ = p;
  }
  // The membership left: every child becomes inert.
  MCAST_DETAIL_ALWAYS_INLINE void detach_all() noexcept {
    Child* c = head;
    while (c) {
      Child* n = c->next_;
      c->parent_ = nullptr;
      c->prev_ = c->next_ = nullptr;
      c = n;
    }
    head = nullptr;
    count = 0;
  }
};

// What a child handle (blocked_source, included_source) is: one source, a link in its
// membership's list, and the rules for moving and going away. Derived supplies undo(ec), the one
// system call that takes the source back (unblock or drop), returning a detail::failure.
template <class Derived, class Parent> class child_handle {
public:
  child_handle(child_handle&& o) noexcept : parent_(std::exchange(o.parent_, nullptr)), source_(o.source_) {
    if (parent_)
      parent_->children_.replace(static_cast<Derived*>(&o), derived());
  }
  child_handle& operator=(child_handle&& o) noexcept {
    if (this != &o) {
      release();
      parent_ = std::exchange(o.parent_, nullptr);
      source_ = o.source_;
      if (parent_)
        parent_->children_.replace(static_cast<Derived*>(&o), derived());
    }
    return *this;
  }

  /// True while this handle's source is blocked / included (its membership has not left).
  bool active() const noexcept { return parent_ != nullptr && parent_->joined_; }
  explicit operator bool() const noexcept { return active(); }
  const mcast::source& source() const noexcept { return source_; }

protected:
  explicit child_handle(const mcast::source& s) noexcept : source_(s) {}
  child_handle(Parent* p, const mcast::source& s) noexcept : parent_(p), source_(s) { p->children_.push(derived()); }
  child_handle(const child_handle&) = delete;
  child_handle& operator=(const child_handle&) = delete;
  ~child_handle() = default;

  Derived* derived() noexcept { return static_cast<Derived*>(this); }

  // Undo, best effort, then forget the membership whatever happened (destructor, move-assign).
  MCAST_DETAIL_ALWAYS_INLINE void release() noexcept {
    if (active())
      (void)derived()->undo();
    detach();
  }
  MCAST_DETAIL_ALWAYS_INLINE void detach() noexcept {
    if (parent_) {
      parent_->children_.unlink(derived());
      parent_ = nullptr;
    }
  }

  friend struct child_list<Derived>;
  Parent* parent_ = nullptr;
  Derived* prev_ = nullptr;
  Derived* next_ = nullptr;
  mcast::source source_;
};

} // namespace detail

MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_CHILD_LIST_HPP
