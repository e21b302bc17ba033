//! Owned handles and borrowed views of the C ABI's opaque types.
//!
//! An owned handle (`TgParams`) holds the pointer and frees it on drop. Some handles are also handed out as views
//! into a parent (the best parameters of an optimization, a stage's report of a layer result): those are
//! `&TgParamsRef`, a reference to a zero-sized opaque type at the C pointer, so the borrow checker ties the view
//! to its parent. The owned handle dereferences to the same type, so every getter is written once.
//!
//! Owned handles are `Send` and not `Sync`: arrowquant.h allows a handle to be used by one thread at a time and
//! different handles in parallel. Views are neither (they borrow a parent that is not `Sync`).

/// Declares `$owned` (owning, freed with `$free`) and `$view` (borrowed) for the C type `$raw`.
macro_rules! handle {
    ($(#[$meta:meta])* $owned:ident, $(#[$vmeta:meta])* $view:ident, $raw:ty, $free:path) => {
        $(#[$meta])*
        pub struct $owned {
            ptr: std::ptr::NonNull<$raw>,
        }

        // SAFETY: arrowquant.h: "A handle may be used by one thread at a time; different handles may be used in
        // parallel" — moving the owner to another thread is allowed, sharing it is not (no Sync).
        unsafe impl Send for $owned {}

        impl Drop for $owned {
            fn drop(&mut self) {
                // SAFETY: the owner holds the only pointer from the producing call and frees it once.
                unsafe { $free(self.ptr.as_ptr()) }
            }
        }

        impl std::ops::Deref for $owned {
            type Target = $view;
            fn deref(&self) -> &$view {
                // SAFETY: non-null handle; the view type is a zero-sized stand-in for the C object.
                unsafe { $view::from_ptr(self.ptr.as_ptr()) }
            }
        }

        impl std::fmt::Debug for $owned {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&**self, f)
            }
        }

        impl $owned {
            /// Takes ownership of a handle returned by a producing call; `None` for NULL.
            #[allow(dead_code)]
            pub(crate) fn from_raw(p: *mut $raw) -> Option<$owned> {
                std::ptr::NonNull::new(p).map(|ptr| $owned { ptr })
            }

            /// Takes ownership after a successful producing call, which never yields NULL.
            #[allow(dead_code)]
            pub(crate) fn expect_raw(p: *mut $raw, call: &str) -> crate::Result<$owned> {
                Self::from_raw(p).ok_or_else(|| {
                    crate::Error::new(crate::Status::Internal, format!("{call} returned AQ_OK and a NULL handle"))
                })
            }

            #[allow(dead_code)]
            pub(crate) fn as_mut_ptr(&mut self) -> *mut $raw {
                self.ptr.as_ptr()
            }
        }

        $(#[$vmeta])*
        pub struct $view {
            // Zero-sized; a reference to it is the C pointer. Raw pointer + UnsafeCell: neither Send nor Sync, and the
            // C object may change behind a shared reference only through the library.
            _opaque: std::marker::PhantomData<std::cell::UnsafeCell<*mut ()>>,
        }

        impl $view {
            /// # Safety
            /// `p` must be a valid non-null handle that outlives `'a`.
            #[allow(dead_code)]
            pub(crate) unsafe fn from_ptr<'a>(p: *const $raw) -> &'a $view {
                &*(p as *const $view)
            }

            /// A view for a possibly NULL pointer returned by a view getter.
            ///
            /// # Safety
            /// As `from_ptr` when non-null.
            #[allow(dead_code)]
            pub(crate) unsafe fn from_nullable<'a>(p: *const $raw) -> Option<&'a $view> {
                if p.is_null() { None } else { Some(Self::from_ptr(p)) }
            }

            /// The raw handle, still owned by its parent.
            pub fn as_ptr(&self) -> *const $raw {
                self as *const $view as *const $raw
            }
        }
    };
}

pub(crate) use handle;
