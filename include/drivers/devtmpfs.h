/*
 * devtmpfs (Linux: drivers/base/devtmpfs.c, include/linux/device.h):
 * the device nodes drivers register, in one tmpfs instance that every
 * `mount -t devtmpfs` shows.  See drivers/base/devtmpfs.cc.
 */
#pragma once
#include <fs/fs.h>

/* the instance and the "devtmpfs" type (before any driver registers) */
void devtmpfs_init();
/* a driver's device node: name (flat, "null") with exactly mode
 * (S_IFCHR|0666...) and number dev; an existing name is kept
 * (Linux: device_create -> devtmpfs_create_node) */
lib::Result<void> devtmpfs_create_node(const char* name, umode_t mode, dev_t dev);
/* devtmpfs.mount=1: mount it on /dev (Linux: devtmpfs_mount) */
void devtmpfs_mount();
